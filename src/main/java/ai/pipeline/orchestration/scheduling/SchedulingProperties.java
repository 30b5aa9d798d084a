package ai.pipeline.orchestration.scheduling;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code app.scheduling.*}: runs started later.
 *
 * @param maxDelay      the furthest ahead a {@code countdown_s} or {@code eta} may put a run's start
 * @param checkInterval how often the lease holder starts due runs and ticks the periodic schedules
 */
@ConfigurationProperties("app.scheduling")
public record SchedulingProperties(@DefaultValue("30d") Duration maxDelay, @DefaultValue("1s") Duration checkInterval) {
}

package ai.pipeline.orchestration.scheduling;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code app.schedules[n].*}: periodic runs (Celery beat). Each names a pipeline or gives a canvas
 * (JSON text), with optional {@code input} and (for a pipeline) {@code options} as JSON text, and a
 * {@code cron} in Spring's syntax (six fields with seconds, or a macro such as {@code @hourly}) read
 * in {@code zone} (default UTC).
 */
@ConfigurationProperties("app")
public record ScheduleDefinitions(List<Entry> schedules) {

    public ScheduleDefinitions {
        schedules = schedules == null ? List.of() : List.copyOf(schedules);
    }

    public record Entry(String name, String pipeline, String canvas, String input, String options, String cron, String zone) {
    }
}

package ai.pipeline.orchestration.scheduling;

import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * {@code schedules} in actuator health: each refused periodic schedule with what is wrong. A refused
 * schedule makes it DEGRADED (ranked below UP, like a refused pipeline file): the others still run.
 */
@Component("schedules")
class SchedulesHealthIndicator implements HealthIndicator {

    static final Status DEGRADED = new Status("DEGRADED", "a periodic schedule is refused; the others run");

    private final PeriodicSchedules schedules;

    SchedulesHealthIndicator(PeriodicSchedules schedules) {
        this.schedules = schedules;
    }

    @Override
    public Health health() {
        Map<String, String> refused = new TreeMap<>(schedules.refused());
        return (refused.isEmpty() ? Health.up() : Health.status(DEGRADED)).withDetail("refused", refused).build();
    }
}

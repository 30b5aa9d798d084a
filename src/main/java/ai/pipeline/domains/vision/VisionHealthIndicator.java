package ai.pipeline.domains.vision;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code vision} in actuator health: UP with the model once loaded, DOWN with the reason when it
 * cannot be loaded, UNKNOWN while it loads. Deliberately not in the readiness group: without a
 * model the rest of the system still serves.
 */
@Component("vision")
class VisionHealthIndicator implements HealthIndicator {

    private final ObjectDetector detector;

    VisionHealthIndicator(ObjectDetector detector) {
        this.detector = detector;
    }

    @Override
    public Health health() {
        ObjectDetector.Status status = detector.status();
        Health.Builder builder = switch (status.state()) {
            case READY -> Health.up().withDetail("model", status.detail());
            case LOADING -> Health.unknown().withDetail("model", status.detail());
            case FAILED -> Health.down().withDetail("error", status.detail());
        };
        return builder.withDetail("state", status.state().name().toLowerCase()).build();
    }
}

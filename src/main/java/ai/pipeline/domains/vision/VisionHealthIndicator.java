package ai.pipeline.domains.vision;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * {@code vision} in actuator health: UP with the model once loaded, DEGRADED with the reason when
 * it cannot be loaded, UNKNOWN while it loads. DEGRADED ranks below UP in
 * {@code management.endpoint.health.status.order}, so a missing model shows here without turning
 * the whole application DOWN: without it the rest of the system still serves. Not in the
 * readiness group for the same reason.
 */
@Component("vision")
class VisionHealthIndicator implements HealthIndicator {

    static final Status DEGRADED = new Status("DEGRADED", "the vision model is not available; vision tasks answer 503");

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
            case FAILED -> Health.status(DEGRADED).withDetail("error", status.detail());
        };
        return builder.withDetail("state", status.state().name().toLowerCase()).build();
    }
}

package ai.pipeline.orchestration.pipelines;

import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * {@code pipelines} in actuator health: the folder users' route files are read from, the pipelines
 * loaded, and each refused file with what is wrong. A refused file makes it DEGRADED, which ranks
 * below UP ({@code management.endpoint.health.status.order}): every other pipeline still runs.
 */
@Component("pipelines")
class PipelinesHealthIndicator implements HealthIndicator {

    static final Status DEGRADED = new Status("DEGRADED", "a pipeline route file is refused; the other pipelines run");

    private final PipelineCatalog catalog;

    PipelinesHealthIndicator(PipelineCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public Health health() {
        Map<String, PipelineRouteException> refused = catalog.refused();
        Map<String, Object> refusals = new TreeMap<>();
        refused.forEach((file, e) -> refusals.put(file, e.getMessage()));
        return (refused.isEmpty() ? Health.up() : Health.status(DEGRADED))
                .withDetail("dir", catalog.dir().toString())
                .withDetail("pipelines", catalog.all().stream().map(PipelineDefinition::name).toList())
                .withDetail("refused", refusals)
                .build();
    }
}

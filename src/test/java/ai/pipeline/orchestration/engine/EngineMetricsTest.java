package ai.pipeline.orchestration.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The engine's observations land on the meters the dashboards query, each once, however many arrive. */
class EngineMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EngineMetrics metrics = new EngineMetrics(registry);
    private final Instant start = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void countsStartsEndsAndTasksByNameAndStatusAndTimesThem() {
        metrics.record(List.of(pipeline("document", "PENDING", null), pipeline("document", "SUCCESS", start.plusSeconds(2)),
                task("ocr.extract_page", "SUCCESS", Duration.ofMillis(30)), task("ocr.extract_page", "RETRY", null)));
        metrics.record(List.of(task("ocr.extract_page", "SUCCESS", Duration.ofMillis(10)), pipeline("document", "FAILURE", start.plusSeconds(1))));

        assertThat(registry.get("ai.pipeline.started").tag("pipeline", "document").counter().count()).isEqualTo(1);
        assertThat(registry.get("ai.pipeline.finished").tag("pipeline", "document").tag("status", "SUCCESS").counter().count()).isEqualTo(1);
        assertThat(registry.get("ai.pipeline.finished").tag("pipeline", "document").tag("status", "FAILURE").counter().count()).isEqualTo(1);
        assertThat(registry.get("ai.pipeline.duration").tag("status", "SUCCESS").timer().totalTime(TimeUnit.SECONDS))
                .isEqualTo(2.0);
        assertThat(registry.get("ai.task.finished").tag("task", "ocr.extract_page").tag("outcome", "SUCCESS").counter().count()).isEqualTo(2);
        assertThat(registry.get("ai.task.finished").tag("task", "ocr.extract_page").tag("outcome", "RETRY").counter().count()).isEqualTo(1);
        assertThat(registry.get("ai.task.duration").tag("outcome", "SUCCESS").timer().count()).isEqualTo(2);
        assertThat(registry.get("ai.task.queue.wait").tag("task", "ocr.extract_page").timer().count()).as("the waits that were known").isEqualTo(2);
        assertThat(registry.get("ai.task.queue.wait").tag("task", "ocr.extract_page").timer().max(TimeUnit.MILLISECONDS))
                .isEqualTo(30.0);
    }

    private Outbound.Observation pipeline(String name, String status, Instant end) {
        return new Outbound.Observation(true, "c1", name, status, start, end, null, null);
    }

    private Outbound.Observation task(String name, String outcome, Duration queueWait) {
        return new Outbound.Observation(false, "c1", name, outcome, start, start.plusMillis(100), queueWait, null);
    }
}

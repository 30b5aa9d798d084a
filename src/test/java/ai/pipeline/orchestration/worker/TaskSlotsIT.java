package ai.pipeline.orchestration.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.Apps;
import ai.pipeline.testsupport.Pipelines;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A domain's tasks run at most {@code app.engine.worker-concurrency} at once, on more consumers than
 * that ({@code app.engine.worker-consumers}), and a task that waits takes the first slot that frees,
 * not the one behind another task on its consumer's partition: the real application, broker and
 * database. A group's members take consecutive partitions and the consumers take them round-robin,
 * so with one consumer per slot the third member sat on the first member's consumer. They reach the
 * worker in any order, and start in theirs.
 */
class TaskSlotsIT {

    @TempDir
    Path dataDir;

    @Test
    void aGroupOfThreeOnTwoSlotsRunsTwoAtOnceAndTheThirdStartsWhenTheFirstSlotFrees() {
        Map<String, String> properties = Map.of("app.data-dir", dataDir.toString(),
                "app.engine.worker-concurrency.core", "2", "app.engine.worker-consumers.core", "4");
        try (ConfigurableApplicationContext app = Apps.start(properties)) {
            Pipelines pipelines = new Pipelines(new ApiClient(((WebServerApplicationContext) app).getWebServer().getPort()));
            // whichever two start first, one of them ends at least 400 ms before the other
            String id = pipelines.run("""
                    {"group": [{"task": "core.sleep", "args": {"ms": 900}}, {"task": "core.sleep", "args": {"ms": 500}},
                               {"task": "core.sleep", "args": {"ms": 100}}]}""", "{}");
            assertThat(pipelines.awaitEnd(id, Duration.ofSeconds(60)).path("status").asString()).isEqualTo("SUCCESS");

            List<Instant[]> runs = new ArrayList<>();
            for (JsonNode task : pipelines.tasks(id)) {
                runs.add(new Instant[] {Instant.parse(task.path("started_at").asString()),
                        Instant.parse(task.path("finished_at").asString())});
            }
            assertThat(runs).hasSize(3);
            runs.sort(Comparator.comparing((Instant[] run) -> run[0]));
            Instant firstFreed = runs.get(0)[1].isBefore(runs.get(1)[1]) ? runs.get(0)[1] : runs.get(1)[1];
            Instant laterFreed = runs.get(0)[1].isBefore(runs.get(1)[1]) ? runs.get(1)[1] : runs.get(0)[1];
            Instant third = runs.get(2)[0];
            assertThat(third).as("the third waited for a slot: never three at once").isAfterOrEqualTo(firstFreed);
            assertThat(third).as("the third took the first slot that freed, not the later one").isBefore(laterFreed);
        }
    }

    @Test
    void aGroupsMembersStartInTheirOrderWhicheverReachesTheWorkerFirst() {
        // one slot, four consumers: the members land on four consumers and reach the worker in any order
        Map<String, String> properties = Map.of("app.data-dir", dataDir.toString(),
                "app.engine.worker-concurrency.core", "1", "app.engine.worker-consumers.core", "4",
                "app.engine.fan-out-order-wait", "5s");
        try (ConfigurableApplicationContext app = Apps.start(properties)) {
            Pipelines pipelines = new Pipelines(new ApiClient(((WebServerApplicationContext) app).getWebServer().getPort()));
            for (int run = 0; run < 3; run++) {
                String id = pipelines.run("""
                        {"group": [{"task": "core.sleep", "args": {"ms": 30}}, {"task": "core.sleep", "args": {"ms": 30}},
                                   {"task": "core.sleep", "args": {"ms": 30}}, {"task": "core.sleep", "args": {"ms": 30}}]}""", "{}");
                assertThat(pipelines.awaitEnd(id, Duration.ofSeconds(60)).path("status").asString()).isEqualTo("SUCCESS");
                List<JsonNode> tasks = new ArrayList<>();
                pipelines.tasks(id).forEach(tasks::add);
                tasks.sort(Comparator.comparing((JsonNode task) -> Instant.parse(task.path("started_at").asString())));
                assertThat(tasks).extracting(task -> task.path("node").asString()).as("run %d's start order", run)
                        .containsExactly("0.0", "0.1", "0.2", "0.3");
            }
        }
    }
}

package ai.pipeline.orchestration.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppProcess;
import ai.pipeline.testsupport.Pipelines;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * SIGKILL mid-run: the application runs as its own process, is killed without any shutdown while
 * pipelines of every shape are in flight, and is started again on the same data directory. Every
 * pipeline must then complete, with each task's success recorded exactly once and every chord
 * body's result applied once, and every on-failure canvas run once.
 */
class CrashRecoveryIT {

    private static final List<String> CANVASES = List.of(
            """
            {"chain": [{"task": "core.echo"}, {"task": "core.sleep", "args": {"ms": 400}}, {"task": "core.echo"}]}""",
            """
            {"chord": {"header": [{"task": "core.sleep", "args": {"ms": 300}}, {"task": "core.sleep", "args": {"ms": 600}},
                                  {"task": "core.echo"}], "body": {"task": "core.echo", "args": {"body": true}}}}""",
            """
            {"chain": [{"map": {"items": "xs", "task": {"task": "core.echo"}}},
                       {"group": [{"task": "core.sleep", "args": {"ms": 200}}, {"task": "core.echo"}]}]}""",
            """
            {"task": "core.fail", "args": {"times": 1}, "retry": {"max": 3, "backoff_ms": 300}}""");

    @TempDir
    Path dataDir;

    @Test
    void pipelinesInFlightAtASigkillAllCompleteOnceAfterARestart() {
        Map<String, Integer> started = new HashMap<>();
        AppProcess app = new AppProcess(dataDir, Map.of()).start();
        try {
            Pipelines pipelines = new Pipelines(app.api());
            for (int i = 0; i < 40; i++) {
                started.put(pipelines.run(CANVASES.get(i % CANVASES.size()), "{\"x\": " + i + ", \"xs\": [1, 2, 3]}"), i % CANVASES.size());
            }
            // kill while some have finished and others are still running
            await().atMost(Duration.ofSeconds(60)).until(() -> countFinished(pipelines, started.keySet()) >= 5);
        } finally {
            app.kill();
        }

        try (AppProcess restarted = new AppProcess(dataDir, Map.of()).start()) {
            Pipelines pipelines = new Pipelines(restarted.api());
            for (String chainId : started.keySet()) {
                JsonNode pipeline = pipelines.awaitEnd(chainId, Duration.ofSeconds(90));
                assertThat(pipeline.path("status").asString()).as("pipeline %s: %s", chainId, pipeline).isEqualTo("SUCCESS");
                for (JsonNode task : pipelines.tasks(chainId)) {
                    List<String> outcomes = new ArrayList<>();
                    task.path("attempts").forEach(a -> outcomes.add(a.path("outcome").asString()));
                    assertThat(outcomes).as("attempts of %s in %s", task.path("node").asString(), chainId)
                            .containsOnlyOnce("SUCCESS").last().isEqualTo("SUCCESS");
                }
                if (started.get(chainId) == 1) {
                    JsonNode bodyInput = pipeline.path("result").path("input");
                    assertThat(bodyInput.size()).isEqualTo(3);
                    assertThat(bodyInput.get(0).path("slept_ms").asInt()).isEqualTo(300);
                    assertThat(bodyInput.get(1).path("slept_ms").asInt()).isEqualTo(600);
                }
                if (started.get(chainId) == 2) {
                    assertThat(pipeline.path("result").size()).isEqualTo(2);
                }
            }
            ApiClient api = restarted.api();
            assertThat(api.get("/api/v1/pipelines/history?status=RUNNING").json().path("data").path("total").asInt()).isZero();
        }
    }

    @Test
    void onFailureCanvasesInFlightAtASigkillEachRunOnceAfterARestart() {
        String canvas = """
                {"task": "core.fail", "args": {"retryable": false},
                 "on_failure": {"chain": [{"task": "core.sleep", "args": {"ms": 500}}, {"task": "core.echo"}]}}""";
        List<String> started = new ArrayList<>();
        AppProcess app = new AppProcess(dataDir, Map.of()).start();
        try {
            Pipelines pipelines = new Pipelines(app.api());
            for (int i = 0; i < 16; i++) {
                started.add(pipelines.run(canvas, "{\"x\": " + i + "}"));
            }
            // kill while some runs have ended and others are still in their on-failure canvas (failed, not ended)
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
                List<JsonNode> runs = started.stream().map(pipelines::pipeline).toList();
                return runs.stream().filter(p -> "FAILURE".equals(p.path("status").asString())).count() >= 3
                        && runs.stream().anyMatch(p -> "RUNNING".equals(p.path("status").asString()) && p.hasNonNull("error"));
            });
        } finally {
            app.kill();
        }

        try (AppProcess restarted = new AppProcess(dataDir, Map.of()).start()) {
            Pipelines pipelines = new Pipelines(restarted.api());
            for (String chainId : started) {
                JsonNode pipeline = pipelines.awaitEnd(chainId, Duration.ofSeconds(90));
                assertThat(pipeline.path("status").asString()).as("pipeline %s: %s", chainId, pipeline).isEqualTo("FAILURE");
                assertThat(pipeline.path("error").asString()).startsWith("task core.fail (0) failed: invalid_input");
                JsonNode tasks = pipelines.tasks(chainId);
                assertThat(tasks).extracting(t -> t.path("node").asString()).containsExactly("0", "on_failure.0", "on_failure.1");
                for (JsonNode task : tasks) {
                    if (task.path("node").asString().startsWith("on_failure")) {
                        List<String> outcomes = new ArrayList<>();
                        task.path("attempts").forEach(a -> outcomes.add(a.path("outcome").asString()));
                        assertThat(outcomes).as("attempts of %s in %s", task.path("node").asString(), chainId)
                                .containsExactly("SUCCESS");
                    }
                }
            }
        }
    }

    private static long countFinished(Pipelines pipelines, Iterable<String> chainIds) {
        long finished = 0;
        for (String chainId : chainIds) {
            if ("SUCCESS".equals(pipelines.pipeline(chainId).path("status").asString())) {
                finished++;
            }
        }
        return finished;
    }
}

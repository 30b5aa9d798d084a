package ai.pipeline.orchestration.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.testsupport.AppProcess;
import ai.pipeline.testsupport.Pipelines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM, as {@code bin/run} and Kubernetes stop the application, while pipelines are in flight,
 * with the embedded database: it stays open until the application has stored its last commit and
 * freed the orchestrator lease (H2's own shutdown hook used to close it at the start of the stop).
 * Started again, the process takes the lease at once and every pipeline completes.
 */
class SigtermStopIT {

    private static final String CHAIN = """
            {"chain": [{"task": "core.echo"}, {"task": "core.sleep", "args": {"ms": 300}}, {"task": "core.echo"}]}""";

    @TempDir
    Path dataDir;

    @Test
    void aSigtermStoresTheLastCommitAndFreesTheLeaseBeforeTheDatabaseCloses() throws Exception {
        List<String> started = new ArrayList<>();
        AppProcess app = new AppProcess(dataDir, Map.of()).start();
        try {
            Pipelines pipelines = new Pipelines(app.api());
            for (int i = 0; i < 20; i++) {
                started.add(pipelines.run(CHAIN, "{\"n\": " + i + "}"));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> started.stream()
                    .filter(id -> "SUCCESS".equals(pipelines.pipeline(id).path("status").asString())).count() >= 3);
        } finally {
            app.stop();
        }
        String log = Files.readString(dataDir.resolve("app.log"));
        assertThat(log).as("every Kafka consumer stopped (KafkaConsumersStop) before the engine stored what it held")
                .containsPattern("Stopped \\d+ Kafka consumers in \\d+ ms[\\s\\S]*Released the orchestrator lease");
        assertThat(log).contains("Released the orchestrator lease")
                .doesNotContain("Database is already closed")
                .doesNotContain("Could not release")
                .doesNotContain("Last group commit failed");

        try (AppProcess restarted = new AppProcess(dataDir, Map.of()).start()) {
            Pipelines pipelines = new Pipelines(restarted.api());
            for (String chainId : started) {
                assertThat(pipelines.awaitEnd(chainId, Duration.ofSeconds(60)).path("status").asString())
                        .as("pipeline %s", chainId).isEqualTo("SUCCESS");
            }
        }
    }
}

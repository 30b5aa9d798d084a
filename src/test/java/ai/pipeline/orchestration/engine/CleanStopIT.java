package ai.pipeline.orchestration.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.Apps;
import ai.pipeline.testsupport.Pipelines;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A clean stop while pipelines are in flight: the routes that feed the engine stop first, then the
 * engine's last group commit goes through the {@code orchestration-records} route (which Camel stops
 * last), then the lease is freed. Started again, every pipeline completes with each task's success
 * recorded once; also when the stop comes while tasks a consumer took wait for their domain's slot.
 */
@ExtendWith(OutputCaptureExtension.class)
class CleanStopIT {

    private static final String CHAIN = """
            {"chain": [{"task": "core.echo"}, {"task": "core.sleep", "args": {"ms": 300}}, {"task": "core.echo"}]}""";

    @TempDir
    Path dataDir;

    /** The default, then one slot on four consumers: a stop comes while taken tasks wait for the slot (TaskSlots). */
    static Stream<Map<String, String>> workers() {
        return Stream.of(Map.of(), Map.of("app.engine.worker-concurrency.core", "1", "app.engine.worker-consumers.core", "4"));
    }

    @ParameterizedTest
    @MethodSource("workers")
    void aCleanStopStoresWhatTheEngineAppliedThenFreesTheLease(Map<String, String> workers, CapturedOutput output) throws Exception {
        Map<String, String> properties = new HashMap<>(workers);
        properties.put("app.data-dir", dataDir.toString());
        List<String> started = new ArrayList<>();
        String databaseUrl;
        try (ConfigurableApplicationContext app = Apps.start(properties)) {
            Pipelines pipelines = new Pipelines(new ApiClient(port(app)));
            for (int i = 0; i < 30; i++) {
                started.add(pipelines.run(CHAIN, "{\"n\": " + i + "}"));
            }
            // stop while some have ended and others are still running
            await().atMost(Duration.ofSeconds(60)).until(() -> started.stream()
                    .filter(id -> "SUCCESS".equals(pipelines.pipeline(id).path("status").asString())).count() >= 3);
            databaseUrl = app.getEnvironment().getProperty("spring.datasource.url");
        }

        assertThat(output).contains("Released the orchestrator lease")
                .doesNotContain("Group commit").doesNotContain("Last group commit failed").doesNotContain("Could not release");
        try (Connection db = DriverManager.getConnection(databaseUrl, "sa", "");
             ResultSet lease = db.createStatement().executeQuery("SELECT holder FROM engine_lease WHERE name = 'orchestrator'")) {
            assertThat(lease.next()).isTrue();
            assertThat(lease.getString("holder")).as("the lease's holder after a clean stop").isNull();
        }

        try (ConfigurableApplicationContext app = Apps.start(properties)) {
            Pipelines pipelines = new Pipelines(new ApiClient(port(app)));
            for (String chainId : started) {
                JsonNode pipeline = pipelines.awaitEnd(chainId, Duration.ofSeconds(60));
                assertThat(pipeline.path("status").asString()).as("pipeline %s: %s", chainId, pipeline).isEqualTo("SUCCESS");
                for (JsonNode task : pipelines.tasks(chainId)) {
                    List<String> outcomes = new ArrayList<>();
                    task.path("attempts").forEach(a -> outcomes.add(a.path("outcome").asString()));
                    assertThat(outcomes).as("attempts of %s in %s", task.path("node").asString(), chainId).containsOnlyOnce("SUCCESS");
                }
            }
        }
    }

    @Test
    void aCleanStopEndsTheOpenEventStreamsInsteadOfWaitingForThem(CapturedOutput output) throws Exception {
        BufferedReader events;
        try (ConfigurableApplicationContext app = Apps.start(Map.of("app.data-dir", dataDir.toString()))) {
            HttpResponse<InputStream> stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + port(app) + "/api/v1/events/stream")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(stream.statusCode()).isEqualTo(200);
            events = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
            String line = events.readLine();
            while (line != null && !line.equals("event:ready")) {
                line = events.readLine();
            }
            assertThat(line).as("the stream's ready").isEqualTo("event:ready");
        }
        // the web server's graceful shutdown waits for open requests up to its timeout: the stream ended first
        assertThat(output).contains("Graceful shutdown complete").doesNotContain("Graceful shutdown aborted")
                .doesNotContain("unexpected error in API call");
        while (events.readLine() != null) {
            // the rest of what the stream sent: it has ended
        }
    }

    private static int port(ConfigurableApplicationContext app) {
        return ((WebServerApplicationContext) app).getWebServer().getPort();
    }
}

package ai.pipeline.orchestration.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.platform.DataDirectory;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Pipelines as route files on the running application: a file dropped into {@code app.pipelines.dir}
 * becomes a pipeline within seconds, listed with its route source and canvas and started by name
 * from REST, the drop folder and Kafka; a changed file changes it; broken files are refused in
 * health, naming the file, the line and the problem, while every other pipeline keeps running.
 */
@AppTest
class PipelineRoutesIT {

    private static final Duration PICKED_UP = Duration.ofSeconds(15);
    private static final Duration RUN = Duration.ofSeconds(60);

    private static final String ECHO_ROUTE = """
            # a user's pipeline: a short sleep, two echoes side by side, then one echo with both results
            - route:
                description: sleeps, echoes twice side by side, echoes the pair
                from:
                  uri: pipeline:%s
                  parameters:
                    input: document
                  steps:
                    - to: task:core.sleep?ms=20
                    - multicast:
                        steps:
                          - to: task:core.echo?tag=left
                          - to: task:core.echo?tag=right
                    - to: task:core.echo
            """;

    @LocalServerPort
    int port;

    @Autowired
    PipelineCatalog catalog;

    @Autowired
    DataDirectory dataDirectory;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ProducerTemplate producer;

    @TempDir
    Path tmp;

    ApiClient api;
    Pipelines pipelines;

    @BeforeEach
    void setUp() {
        api = new ApiClient(port);
        pipelines = new Pipelines(api);
    }

    @Test
    void aRouteFileDroppedWhileRunningIsAPipelineStartedByNameFromEveryDoor() throws Exception {
        assertThat(catalog.dir()).isEqualTo(dataDirectory.root().resolve("pipelines"));
        String name = "user-echo-" + UUID.randomUUID().toString().substring(0, 8);
        Path file = catalog.dir().resolve(name + ".camel.yaml");
        Files.writeString(file, ECHO_ROUTE.formatted(name));
        try {
            runFromEveryDoorAndChange(name, file);
        } finally {
            Files.deleteIfExists(file);
        }
        // a removed file removes its pipeline (and the tests sharing this application see only the shipped ones)
        await().atMost(PICKED_UP).until(() -> find(name).isEmpty());
        assertThat(api.postJson("/api/v1/pipelines/" + name, "{\"document_path\": \"x.png\"}").status()).isEqualTo(404);
    }

    private void runFromEveryDoorAndChange(String name, Path file) throws Exception {
        JsonNode listed = awaitListed(name, p -> true);
        assertThat(listed.path("description").asString()).isEqualTo("sleeps, echoes twice side by side, echoes the pair");
        assertThat(listed.path("route").path("file").asString()).isEqualTo(name + ".camel.yaml");
        assertThat(listed.path("route").path("origin").asString()).isEqualTo("pipelines_dir");
        assertThat(listed.path("route").path("yaml").asString()).contains("pipeline:" + name, "task:core.sleep?ms=20");
        assertThat(listed.path("canvas").path("chain").get(0).path("task").asString()).isEqualTo("core.sleep");
        assertThat(listed.path("canvas").path("chain").get(1).path("chord").path("header")).hasSize(2);
        assertThat(listed.path("inputs").get(0).path("key").asString()).isEqualTo("document_path");

        Path png = TestInputs.textPng(tmp.resolve("page.png"), "A page for " + name);
        String stored = api.postFile("/api/v1/files", png).json().path("data").path("path").asString();

        // REST
        ApiClient.Response started = api.postJson("/api/v1/pipelines/" + name, "{\"document_path\": \"" + stored + "\"}");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String restChain = started.json().path("data").path("chain_id").asString();
        // Kafka
        String requestId = "kafka-" + UUID.randomUUID();
        producer.sendBodyAndHeader("kafka:ai.pipeline.requests", "{\"pipeline\": \"" + name + "\", \"input\": "
                + "{\"document_path\": \"" + stored + "\"}, \"request_id\": \"" + requestId + "\"}", KafkaConstants.KEY, requestId);
        // the drop folder: the new pipeline's folder was made when it was added
        Path inboxFolder = dataDirectory.inbox().resolve(name);
        await().atMost(PICKED_UP).until(() -> Files.isDirectory(inboxFolder));
        Files.copy(png, tmp.resolve("drop.png"));
        Files.move(tmp.resolve("drop.png"), inboxFolder.resolve("drop.png"), StandardCopyOption.ATOMIC_MOVE);

        for (String chain : List.of(restChain, awaitChainOf(requestId), awaitChainOf("drop-folder:" + name + ":" + sha256(png)))) {
            JsonNode run = pipelines.awaitEnd(chain, RUN);
            assertThat(run.path("status").asString()).as(run.toString()).isEqualTo("SUCCESS");
            assertThat(run.path("pipeline").asString()).isEqualTo(name);
            // the body echoes the header's results in step order
            JsonNode pair = run.path("result").path("input");
            assertThat(pair).hasSize(2);
            assertThat(pair.get(0).path("args").path("tag").asString()).isEqualTo("left");
            assertThat(pair.get(1).path("args").path("tag").asString()).isEqualTo("right");
        }

        // a changed file changes the pipeline
        Files.writeString(file, ECHO_ROUTE.formatted(name).replace("ms=20", "ms=30"));
        awaitListed(name, p -> p.path("route").path("yaml").asString().contains("ms=30"));
        assertThat(catalog.find(name).orElseThrow().canvas().tasks().get(0).args()).containsEntry("ms", 30L);
    }

    @Test
    void brokenRouteFilesAreRefusedInHealthWithFileLineAndProblemWhileTheOtherPipelinesRun() throws Exception {
        Path unknownTask = catalog.dir().resolve("broken-task.camel.yaml");
        Path badYaml = catalog.dir().resolve("broken-yaml.camel.yaml");
        Path shippedName = catalog.dir().resolve("document.camel.yaml");
        try {
            Files.writeString(unknownTask, """
                    - from:
                        uri: pipeline:broken-task?input=image
                        steps:
                          - to: task:core.nope
                    """);
            Files.writeString(badYaml, "- from:\n    uri: pipeline:broken-yaml?input=image\n    steps: [to: \n");
            Files.writeString(shippedName, ECHO_ROUTE.formatted("document"));

            JsonNode health = await().atMost(PICKED_UP).until(() -> api.get("/actuator/health").json().path("components")
                    .path("pipelines"), h -> h.path("details").path("refused").size() == 3);
            assertThat(health.path("status").asString()).isEqualTo("DEGRADED");
            JsonNode refused = health.path("details").path("refused");
            assertThat(refused.path("broken-task.camel.yaml").asString())
                    .isEqualTo("broken-task.camel.yaml, line 4: unknown task 'core.nope' (GET /api/v1/tasks lists the tasks)");
            assertThat(refused.path("broken-yaml.camel.yaml").asString()).startsWith("broken-yaml.camel.yaml, line ")
                    .contains(": not valid YAML");
            assertThat(refused.path("document.camel.yaml").asString()).contains("ships with the product");
            // the application stays UP, and the shipped document pipeline is still the shipped one
            assertThat(api.get("/actuator/health").json().path("status").asString()).isEqualTo("UP");
            assertThat(catalog.find("document").orElseThrow().source().origin()).isEqualTo(PipelineDefinition.Origin.SHIPPED);
            assertThat(catalog.find("broken-task")).isEmpty();
            assertThat(api.postJson("/api/v1/pipelines/broken-task", "{\"image_path\": \"x.png\"}").status()).isEqualTo(404);

            String chain = api.postJson("/api/v1/workflows", "{\"canvas\": {\"task\": \"core.echo\"}, \"input\": {}}")
                    .json().path("data").path("chain_id").asString();
            assertThat(pipelines.awaitEnd(chain, RUN).path("status").asString()).isEqualTo("SUCCESS");
        } finally {
            Files.deleteIfExists(unknownTask);
            Files.deleteIfExists(badYaml);
            Files.deleteIfExists(shippedName);
        }
        // removed files are forgotten: health is UP again for the tests that share this application
        await().atMost(PICKED_UP).until(() -> "UP".equals(api.get("/actuator/health").json().path("components")
                .path("pipelines").path("status").asString()));
    }

    /** The pipeline's entry in GET /api/v1/pipelines once it is there and {@code ready} holds. */
    private JsonNode awaitListed(String name, Predicate<JsonNode> ready) {
        return await().atMost(PICKED_UP).until(() -> find(name), p -> p.isPresent() && ready.test(p.get())).orElseThrow();
    }

    private Optional<JsonNode> find(String name) {
        for (JsonNode item : api.get("/api/v1/pipelines").json().path("data").path("items")) {
            if (item.path("name").asString().equals(name)) {
                return Optional.of(item);
            }
        }
        return Optional.empty();
    }

    private String awaitChainOf(String requestId) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForList(
                "SELECT chain_id FROM pipeline_execution WHERE request_id = ?", String.class, requestId),
                ids -> !ids.isEmpty()).get(0);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}

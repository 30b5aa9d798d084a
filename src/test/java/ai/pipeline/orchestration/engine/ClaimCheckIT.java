package ai.pipeline.orchestration.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.shared.storage.Storage;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Results larger than {@code app.engine.claim-check-above} (1 MB by default) travel as references
 * to files in storage, end to end: on the real broker and H2, through the workers, the engine, the
 * API and run deletion.
 */
@AppTest
class ClaimCheckIT {

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    @Autowired
    Storage storage;

    ApiClient api;
    Pipelines pipelines;

    @BeforeEach
    void clients() {
        api = new ApiClient(port);
        pipelines = new Pipelines(api);
    }

    @Test
    void aChainOfLargeResultsPassesReferencesTheStepsReadBackAndDeletingTheRunDeletesTheirFiles() {
        String text = "large result ".repeat(90_000);   // 1.17 MB of JSON
        String id = pipelines.run("""
                {"chain": [{"task": "core.echo"}, {"task": "core.echo"}, {"task": "core.echo"}]}""",
                json.createObjectNode().put("text", text).toString());

        JsonNode pipeline = pipelines.awaitEnd(id, Duration.ofSeconds(60));

        assertThat(pipeline.path("status").asString()).as(pipeline.toString()).isEqualTo("SUCCESS");
        JsonNode tasks = pipelines.tasks(id);
        assertThat(tasks).hasSize(3);
        for (JsonNode task : tasks) {
            JsonNode result = task.path("result");
            assertThat(result.path("claim_check").asString()).as("task %s", task.path("node"))
                    .startsWith("results/claims/" + id + "/").endsWith("-1.json");
            assertThat(result.path("bytes").asLong()).isGreaterThan(1_000_000);
        }
        JsonNode reference = pipeline.path("result");
        assertThat(reference.path("claim_check").asString()).isEqualTo(tasks.get(2).path("result").path("claim_check").asString());
        ApiClient.Response file = api.get("/api/v1/files?path=" + reference.path("claim_check").asString());
        assertThat(file.status()).isEqualTo(200);
        // each echo wraps its input: the third step's result holds what the first step was given, read back twice
        assertThat(json.readTree(file.body()).at("/input/input/input/text").asString()).isEqualTo(text);

        ApiClient.Response deleted = api.delete("/api/v1/pipelines/" + id);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        // the three results, and the first step's input (1.17 MB, over the size too)
        assertThat(deleted.json().path("data").path("files_deleted").asInt()).isEqualTo(4);
        assertThat(storage.root().resolve(ClaimChecks.folderOf(id))).doesNotExist();
    }

    @Test
    void aMapRunsOverAListThatCameAsAReference() {
        String item = "x".repeat(400_000);
        String id = pipelines.run("""
                {"chain": [{"task": "core.echo"}, {"map": {"items": "input", "task": {"task": "core.echo"}}}]}""",
                json.createArrayNode().add(item + "0").add(item + "1").add(item + "2").toString());

        JsonNode pipeline = pipelines.awaitEnd(id, Duration.ofSeconds(60));

        assertThat(pipeline.path("status").asString()).as(pipeline.toString()).isEqualTo("SUCCESS");
        assertThat(pipelines.task(id, "0").path("result").path("claim_check").asString()).startsWith("results/claims/" + id + "/");
        JsonNode results = pipeline.path("result");
        assertThat(results).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(results.get(i).path("input").asString()).as("item %d", i).isEqualTo(item + i);
        }
    }

    @Test
    void aGroupOverALargeInputKeepsItInStorageOnceAndEveryMemberReadsItBack() throws IOException {
        String text = "large input ".repeat(180_000);   // 2.2 MB of JSON
        String id = pipelines.run("{\"group\": [" + String.join(", ", Collections.nCopies(4, "{\"task\": \"core.echo\"}")) + "]}",
                json.createObjectNode().put("text", text).toString());

        JsonNode pipeline = pipelines.awaitEnd(id, Duration.ofSeconds(60));

        assertThat(pipeline.path("status").asString()).as(pipeline.path("error").toString()).isEqualTo("SUCCESS");
        // the members' messages (and the outbox row the start was published from) carried one reference, not four copies
        try (Stream<Path> files = Files.list(storage.root().resolve(ClaimChecks.folderOf(id)))) {
            assertThat(files.map(file -> file.getFileName().toString()).filter(name -> name.contains("-input-")))
                    .as("the group's input, kept in storage").hasSize(1);
        }
        JsonNode tasks = pipelines.tasks(id);
        assertThat(tasks).hasSize(4);
        for (JsonNode task : tasks) {
            String stored = task.path("result").path("claim_check").asString();
            assertThat(json.readTree(storage.root().resolve(stored).toFile()).at("/input/text").asString())
                    .as("what member %s was given", task.path("node")).isEqualTo(text);
        }
    }

    @Test
    void aChordWhoseFanOutAndBodyInputAreLargerThanAKafkaRecordRunsTheirMessagesFitted() {
        // 18 members of 0.95 MB each: their fan-out (17 MB) goes as one message per member, and the
        // body's input, their results together, is kept in storage and read back by its worker
        String pad = "p".repeat(950_000);
        StringBuilder header = new StringBuilder();
        for (int i = 0; i < 18; i++) {
            header.append(i == 0 ? "" : ", ").append("{\"task\": \"core.echo\", \"args\": {\"i\": ").append(i)
                    .append(", \"pad\": \"").append(pad).append("\"}}");
        }
        String id = pipelines.run("{\"chord\": {\"header\": [" + header + "], \"body\": {\"task\": \"core.echo\"}}}", "{}");

        JsonNode pipeline = pipelines.awaitEnd(id, Duration.ofSeconds(90));

        assertThat(pipeline.path("status").asString()).as(pipeline.path("error").toString()).isEqualTo("SUCCESS");
        JsonNode body = pipelines.task(id, "0.body");
        String stored = body.path("result").path("claim_check").asString();
        assertThat(stored).startsWith("results/claims/" + id + "/");
        JsonNode bodyResult = json.readTree(storage.root().resolve(stored).toFile());
        assertThat(bodyResult.path("input")).hasSize(18);
        for (int i = 0; i < 18; i++) {
            assertThat(bodyResult.path("input").get(i).at("/args/i").asInt()).isEqualTo(i);
            assertThat(bodyResult.path("input").get(i).at("/args/pad").asString()).hasSize(950_000);
        }
        assertThat(storage.root().resolve(ClaimChecks.folderOf(id)).resolve(body.path("task_id").asString() + "-input-1.json"))
                .as("the body's input, kept in storage").exists();
    }
}

package ai.pipeline.orchestration.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.orchestration.pipelines.TestInputs;
import ai.pipeline.platform.DataDirectory;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/pipelines/{chain_id}/rerun} and {@code DELETE /api/v1/pipelines/{chain_id}}
 * on the real application: a re-run is a new run of the same canvas and input, linked both ways; a
 * deletion removes the records, the files the run wrote and its outbox file, and nothing it was given.
 */
@AppTest
class RerunAndDeleteIT {

    private static final Duration RUN = Duration.ofSeconds(90);

    @LocalServerPort
    int port;

    @Autowired
    Storage storage;

    @Autowired
    DataDirectory dataDirectory;

    @Autowired
    JdbcTemplate jdbc;

    ApiClient api;
    Pipelines pipelines;

    @BeforeEach
    void clients() {
        api = new ApiClient(port);
        pipelines = new Pipelines(api);
    }

    private String rerun(String chainId) {
        ApiClient.Response response = api.postJson("/api/v1/pipelines/" + chainId + "/rerun", "");
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        String rerun = response.json().path("data").path("chain_id").asString();
        assertThat(rerun).isNotBlank().isNotEqualTo(chainId);
        return rerun;
    }

    @Test
    void aRerunRepeatsTheCanvasAndInputOfAFinishedRunAndIsLinkedToIt() {
        String first = pipelines.run("{\"chain\": [{\"task\": \"core.echo\"}, {\"task\": \"core.echo\"}]}", "{\"n\": 7}");
        JsonNode original = pipelines.awaitEnd(first);
        assertThat(original.path("status").asString()).isEqualTo("SUCCESS");

        String second = rerun(first);
        String third = rerun(first);
        JsonNode repeated = pipelines.awaitEnd(second);

        assertThat(repeated.path("status").asString()).isEqualTo("SUCCESS");
        assertThat(repeated.path("pipeline").asString()).isEqualTo("workflow");
        assertThat(repeated.path("rerun_of").asString()).isEqualTo(first);
        assertThat(repeated.path("input")).isEqualTo(original.path("input"));
        assertThat(repeated.path("result")).isEqualTo(original.path("result"));
        assertThat(pipelines.tasks(second)).extracting(t -> t.path("node").asString()).containsExactly("0", "1");
        pipelines.awaitEnd(third);
        JsonNode reread = pipelines.pipeline(first);
        assertThat(reread.path("reruns")).extracting(JsonNode::asString).containsExactly(second, third);
        assertThat(reread.has("rerun_of")).isFalse();
        // a re-run of a re-run names its own origin
        String fourth = rerun(second);
        assertThat(pipelines.awaitEnd(fourth).path("rerun_of").asString()).isEqualTo(second);
    }

    @Test
    void aFailedRunCanBeRerunAsANewRunWhileRetryResumesTheOldOne() {
        String failed = pipelines.run("{\"task\": \"core.fail\", \"args\": {\"times\": 1, \"retryable\": false}}", "{}");
        assertThat(pipelines.awaitEnd(failed).path("status").asString()).isEqualTo("FAILURE");

        String again = rerun(failed);

        // core.fail fails its task's first attempt: the re-run's task starts afresh, so it fails the same way
        JsonNode rerun = pipelines.awaitEnd(again);
        assertThat(rerun.path("status").asString()).isEqualTo("FAILURE");
        assertThat(rerun.path("rerun_of").asString()).isEqualTo(failed);
        assertThat(pipelines.task(again, "0").path("attempt").asInt()).isEqualTo(1);
        assertThat(pipelines.pipeline(failed).path("status").asString()).isEqualTo("FAILURE");
    }

    @Test
    void unknownAndUnfinishedRunsCanBeNeitherRerunNorDeleted() {
        String unknown = UUID.randomUUID().toString();
        api.postJson("/api/v1/pipelines/" + unknown + "/rerun", "").assertError(404, "not_found", unknown);
        api.delete("/api/v1/pipelines/" + unknown).assertError(404, "not_found", unknown);

        String sleeping = pipelines.run("{\"task\": \"core.sleep\", \"args\": {\"ms\": 30000}}", "{}");
        api.postJson("/api/v1/pipelines/" + sleeping + "/rerun", "").assertError(409, "conflict",
                "only a finished run (SUCCESS, FAILURE, CANCELLED) can be re-run");
        api.delete("/api/v1/pipelines/" + sleeping).assertError(409, "conflict",
                "only a finished run (SUCCESS, FAILURE, CANCELLED) can be deleted");
        assertThat(pipelines.pipeline(sleeping).path("status").asString()).isIn("PENDING", "RUNNING");

        assertThat(api.delete("/api/v1/pipelines/" + sleeping + "/cancel").status()).isEqualTo(200);
        assertThat(pipelines.awaitEnd(sleeping).path("status").asString()).isEqualTo("CANCELLED");
        ApiClient.Response deleted = api.delete("/api/v1/pipelines/" + sleeping);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
    }

    @Test
    void deletingARunRemovesItsRecordsAndTheFilesItWroteButNotItsInput() throws IOException {
        String input = TestInputs.storedTextPng(storage, "rerun-test", "Deleting a run");
        String chainId = pipelines.run("{\"task\": \"media.normalize\"}", "{\"image_path\": \"" + input + "\"}");
        JsonNode run = pipelines.awaitEnd(chainId, RUN);
        assertThat(run.path("status").asString()).as(run.toString()).isEqualTo("SUCCESS");
        String normalized = run.path("result").path("image_path").asString();
        assertThat(normalized).startsWith("normalized/");
        assertThat(storage.root().resolve(normalized)).isRegularFile();
        String rerun = rerun(chainId);
        assertThat(pipelines.awaitEnd(rerun, RUN).path("status").asString()).isEqualTo("SUCCESS");
        String rerunFile = pipelines.pipeline(rerun).path("result").path("image_path").asString();
        assertThat(rerunFile).isNotEqualTo(normalized);

        ApiClient.Response deleted = api.delete("/api/v1/pipelines/" + chainId);

        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(deleted.json().path("data").path("chain_id").asString()).isEqualTo(chainId);
        assertThat(deleted.json().path("data").path("files_deleted").asInt()).isEqualTo(1);
        assertThat(storage.root().resolve(normalized)).doesNotExist();
        assertThat(storage.root().resolve(input)).as("the run's input stays").isRegularFile();
        assertThat(storage.root().resolve(rerunFile)).as("the re-run's own file stays").isRegularFile();
        api.get("/api/v1/pipelines/" + chainId).assertError(404, "not_found", chainId);
        api.get("/api/v1/pipelines/" + chainId + "/tasks").assertError(404, "not_found", chainId);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM task_execution WHERE chain_id = ?", Long.class, chainId)).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM task_attempt a JOIN task_execution t ON t.task_id = a.task_id "
                + "WHERE t.chain_id = ?", Long.class, chainId)).isZero();
        api.delete("/api/v1/pipelines/" + chainId).assertError(404, "not_found", chainId);
        // the re-run still says where it came from, though that run is gone
        assertThat(pipelines.pipeline(rerun).path("rerun_of").asString()).isEqualTo(chainId);
        api.postJson("/api/v1/pipelines/" + chainId + "/rerun", "").assertError(404, "not_found", chainId);
    }

    @Test
    void aNamedPipelineIsRerunAsItselfAndItsOutboxFileGoesWithItsDeletion() throws IOException {
        String input = TestInputs.storedTextPng(storage, "rerun-test", "The re-run of a named pipeline");
        ApiClient.Response started = api.postJson("/api/v1/pipelines/document", "{\"document_path\": \"" + input + "\"}");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String chainId = started.json().path("data").path("chain_id").asString();
        assertThat(pipelines.awaitEnd(chainId, RUN).path("status").asString()).isEqualTo("SUCCESS");
        Path outboxFile = dataDirectory.outbox().resolve(chainId + ".json");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.isRegularFile(outboxFile));

        String rerun = rerun(chainId);

        JsonNode repeated = pipelines.awaitEnd(rerun, RUN);
        assertThat(repeated.path("pipeline").asString()).isEqualTo("document");
        assertThat(repeated.path("status").asString()).isEqualTo("SUCCESS");
        assertThat(repeated.path("source").asString()).isEqualTo("rest");
        Path rerunOutboxFile = dataDirectory.outbox().resolve(rerun + ".json");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.isRegularFile(rerunOutboxFile));

        assertThat(api.delete("/api/v1/pipelines/" + chainId).status()).isEqualTo(200);
        assertThat(outboxFile).doesNotExist();
        assertThat(rerunOutboxFile).isRegularFile();

        // the input is gone: a re-run is refused up front instead of starting a run bound to fail
        Files.delete(storage.root().resolve(input));
        api.postJson("/api/v1/pipelines/" + rerun + "/rerun", "").assertError(409, "conflict",
                "cannot be re-run: no such file in storage: " + input);
        List<String> runs = new ArrayList<>(jdbc.queryForList("SELECT chain_id FROM pipeline_execution WHERE rerun_of = ?",
                String.class, rerun));
        assertThat(runs).isEmpty();
    }
}

package ai.pipeline.orchestration.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.orchestration.pipelines.TestInputs;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * On-failure canvases (Celery's {@code link_error}) on the real broker, database, media and OCR
 * workers: a failed run runs its on-failure canvas once, as tasks of the run, with the failure, the
 * run's input and the files it wrote; the compensation removes those files; the run ends FAILURE.
 */
@AppTest
class OnFailureIT {

    private static final Duration RUN = Duration.ofSeconds(90);

    @LocalServerPort
    int port;

    @Autowired
    Storage storage;

    @Autowired
    JdbcTemplate jdbc;

    ApiClient api;
    Pipelines pipelines;

    @BeforeEach
    void clients() {
        api = new ApiClient(port);
        pipelines = new Pipelines(api);
    }

    private long attempts(String chainId, String node) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM task_attempt a JOIN task_execution t ON t.task_id = a.task_id "
                + "WHERE t.chain_id = ? AND t.node = ?", Long.class, chainId, node);
    }

    @Test
    void aFailedRunRunsItsOnFailureCanvasOnceWithTheFailureAndItsCompensationRemovesTheFilesTheRunWrote() {
        String input = TestInputs.storedTextPng(storage, "on-failure-test", "A run that fails after writing a file");
        String chainId = pipelines.run("""
                {"chain": [{"task": "media.normalize"}, {"task": "core.fail", "args": {"retryable": false}}],
                 "on_failure": {"group": [{"task": "core.echo"}, {"task": "core.remove_run_files"}]}}""",
                "{\"image_path\": \"" + input + "\"}");

        JsonNode run = pipelines.awaitEnd(chainId, RUN);

        assertThat(run.path("status").asString()).as(run.toString()).isEqualTo("FAILURE");
        assertThat(run.path("error").asString()).startsWith("task core.fail (1) failed: invalid_input: failing on purpose");
        assertThat(pipelines.tasks(chainId)).extracting(t -> t.path("node").asString() + " " + t.path("name").asString()
                        + " " + t.path("state").asString())
                .containsExactly("0 media.normalize SUCCESS", "1 core.fail FAILURE", "on_failure.0.0 core.echo SUCCESS",
                        "on_failure.0.1 core.remove_run_files SUCCESS");
        String normalized = pipelines.task(chainId, "0").path("result").path("image_path").asString();
        assertThat(normalized).startsWith("normalized/");

        JsonNode given = pipelines.task(chainId, "on_failure.0.0").path("result").path("input");
        assertThat(given.path("chain_id").asString()).isEqualTo(chainId);
        assertThat(given.path("pipeline").asString()).isEqualTo("workflow");
        assertThat(given.path("failed_task").asString()).isEqualTo("core.fail");
        assertThat(given.path("node").asString()).isEqualTo("1");
        assertThat(given.path("error").path("reason").asString()).isEqualTo("invalid_input");
        assertThat(given.path("error").path("message").asString()).startsWith("failing on purpose");
        assertThat(given.path("input").path("image_path").asString()).isEqualTo(input);
        assertThat(given.path("files")).extracting(JsonNode::asString).containsExactly(normalized);

        JsonNode removed = pipelines.task(chainId, "on_failure.0.1").path("result");
        assertThat(removed.path("removed").asInt()).as(removed.toString()).isEqualTo(1);
        assertThat(storage.root().resolve(normalized)).doesNotExist();
        assertThat(storage.root().resolve(input)).as("the run's input stays").isRegularFile();
        assertThat(attempts(chainId, "on_failure.0.0")).as("ran once").isEqualTo(1);
        assertThat(attempts(chainId, "on_failure.0.1")).as("ran once").isEqualTo(1);
        assertThat(api.get("/api/v1/pipelines/" + chainId + "/tasks").json().path("data").path("canvas").path("on_failure")
                .path("group").size()).isEqualTo(2);

        api.postJson("/api/v1/pipelines/" + chainId + "/retry", "").assertError(409, "conflict", "ran its on-failure canvas");
    }

    @Test
    void aFailingOnFailureCanvasDoesNotRunAgainAndACancelledRunNeverRunsIt() {
        String failing = pipelines.run("""
                {"task": "core.fail", "args": {"retryable": false},
                 "on_failure": {"chain": [{"task": "core.fail", "args": {"retryable": false}}, {"task": "core.echo"}]}}""", "{}");
        JsonNode run = pipelines.awaitEnd(failing);
        assertThat(run.path("status").asString()).isEqualTo("FAILURE");
        assertThat(run.path("error").asString()).startsWith("task core.fail (0) failed:");
        assertThat(pipelines.tasks(failing)).extracting(t -> t.path("node").asString() + " " + t.path("state").asString())
                .containsExactly("0 FAILURE", "on_failure.0 FAILURE", "on_failure.1 REVOKED");
        assertThat(attempts(failing, "on_failure.0")).isEqualTo(1);

        String sleeping = pipelines.run("{\"task\": \"core.sleep\", \"args\": {\"ms\": 30000}, "
                + "\"on_failure\": {\"task\": \"core.echo\"}}", "{}");
        assertThat(api.delete("/api/v1/pipelines/" + sleeping + "/cancel").status()).isEqualTo(200);
        assertThat(pipelines.awaitEnd(sleeping).path("status").asString()).isEqualTo("CANCELLED");
        assertThat(pipelines.tasks(sleeping)).extracting(t -> t.path("node").asString()).containsExactly("0");
    }

    @Test
    void theShippedAiPipelineRemovesTheNormalizedImageOfARunThatFailed() {
        String input = TestInputs.storedTextPng(storage, "on-failure-test", "The AI pipeline fails at OCR");
        ApiClient.Response started = api.postJson("/api/v1/pipelines/ai-pipeline",
                "{\"image_path\": \"" + input + "\", \"options\": {\"languages\": [\"zzz\"]}}");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String chainId = started.json().path("data").path("chain_id").asString();

        JsonNode run = pipelines.awaitEnd(chainId, RUN);

        assertThat(run.path("status").asString()).as(run.toString()).isEqualTo("FAILURE");
        assertThat(run.path("error").asString()).contains("unknown OCR language 'zzz'");
        String normalized = pipelines.task(chainId, "0").path("result").path("image_path").asString();
        assertThat(normalized).startsWith("normalized/");
        JsonNode compensation = pipelines.task(chainId, "on_failure.0");
        assertThat(compensation.path("name").asString()).isEqualTo("core.remove_run_files");
        assertThat(compensation.path("state").asString()).isEqualTo("SUCCESS");
        assertThat(compensation.path("result").path("removed").asInt()).as(compensation.toString()).isEqualTo(1);
        assertThat(storage.root().resolve(normalized)).doesNotExist();
        assertThat(storage.root().resolve(input)).isRegularFile();
    }

    @Test
    void aBadOnFailureIsA400NamingIt() {
        api.postJson("/api/v1/workflows", "{\"canvas\": {\"task\": \"core.fail\", \"on_failure\": "
                + "{\"task\": \"core.nope\"}}, \"input\": {}}").assertError(400, "invalid_input", "$.on_failure: unknown task 'core.nope'");
        api.postJson("/api/v1/workflows", "{\"canvas\": {\"task\": \"core.fail\", \"on_failure\": \"core.echo\"}, "
                + "\"input\": {}}").assertError(400, "invalid_input", "$.on_failure: expected a canvas");
        api.postJson("/api/v1/workflows", "{\"canvas\": {\"task\": \"core.fail\", \"on_failure\": {\"task\": "
                + "\"core.echo\", \"on_failure\": {\"task\": \"core.echo\"}}}, \"input\": {}}").assertError(400, "invalid_input",
                "$.on_failure.on_failure: an on-failure canvas has no on_failure of its own");
        api.postJson("/api/v1/workflows", "{\"canvas\": {\"chain\": [{\"task\": \"core.fail\", \"on_failure\": "
                + "{\"task\": \"core.echo\"}}]}, \"input\": {}}").assertError(400, "invalid_input",
                "$.chain[0].on_failure: on_failure is taken by the whole canvas only");
    }
}

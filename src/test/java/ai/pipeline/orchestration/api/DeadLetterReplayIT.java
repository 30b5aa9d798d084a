package ai.pipeline.orchestration.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.orchestration.engine.Topics;
import ai.pipeline.platform.KafkaConnection;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import ai.pipeline.testsupport.TopicLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The monitor's API against the running application: a task that failed for good is listed as a
 * dead letter, and replaying it after the run was retried runs that attempt again without the
 * engine applying its result a second time. Also a task's story and the 4xx answers to bad input.
 */
@AppTest
class DeadLetterReplayIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** Fails its first attempt for good (one attempt allowed); a retry of the run succeeds with attempt 2. */
    private static final String FAILS_ONCE = """
            {"chain": [{"task": "core.echo", "args": {"note": "first"}},
                       {"task": "core.fail", "args": {"times": 1}, "retry": {"max": 1}}]}""";

    @LocalServerPort
    int port;

    @Autowired
    KafkaConnection kafka;

    @Test
    void replaysADeadTaskAsTheSameAttemptWhichTheEngineDoesNotApplyTwice() {
        ApiClient api = new ApiClient(port);
        Pipelines pipelines = new Pipelines(api);
        String chainId = pipelines.run(FAILS_ONCE, "{\"text\": \"" + "x".repeat(3000) + "\"}");
        assertThat(pipelines.awaitEnd(chainId).path("status").asString()).isEqualTo("FAILURE");

        JsonNode letter = await().atMost(PATIENCE).until(() -> deadLetter(api, chainId), found -> found != null);
        assertThat(letter.path("reason").asString()).isEqualTo("error");
        assertThat(letter.path("message").asString()).contains("failing on purpose");
        assertThat(letter.path("task").asString()).isEqualTo("core.fail");
        assertThat(letter.path("node").asString()).isEqualTo("1");
        assertThat(letter.path("attempt").asInt()).isEqualTo(1);
        assertThat(letter.path("replay_to").asString()).isEqualTo("ai.tasks.core.fail");
        assertThat(letter.path("payload_head").asString()).hasSize(300).startsWith("{");
        assertThat(letter.path("payload_chars").asInt()).isGreaterThan(3000);

        assertThat(api.postJson("/api/v1/pipelines/" + chainId + "/retry", "").status()).isEqualTo(202);
        assertThat(pipelines.awaitEnd(chainId).path("status").asString()).isEqualTo("SUCCESS");
        JsonNode before = pipelines.task(chainId, "1");
        assertThat(outcomes(before)).containsExactly("FAILURE", "SUCCESS");

        String taskId = before.path("task_id").asString();
        long reportsBefore = finishedReports(taskId);
        ApiClient.Response replay = api.postJson("/api/v1/dead-letters/" + letter.path("topic").asString() + "/"
                + letter.path("partition").asInt() + "/" + letter.path("offset").asLong() + "/replay", "");
        assertThat(replay.status()).as(replay.body()).isEqualTo(202);
        assertThat(replay.json().path("data").path("replayed_to").asString()).isEqualTo("ai.tasks.core.fail");
        // a worker ran attempt 1 again and reported it (it fails again: attempt 1 of the first 1)...
        await().atMost(PATIENCE).until(() -> finishedReports(taskId) > reportsBefore);
        // ...and the engine, which applies an attempt's report once, left the run and the task as they were
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() ->
                "SUCCESS".equals(pipelines.pipeline(chainId).path("status").asString())
                        && outcomes(pipelines.task(chainId, "1")).equals(List.of("FAILURE", "SUCCESS")));

        // the task's story: its arguments, its input (the echo's result, abbreviated unless asked for) and attempts
        JsonNode story = api.get("/api/v1/pipelines/" + chainId + "/tasks/1").json().path("data");
        assertThat(story.path("args").path("times").asInt()).isEqualTo(1);
        assertThat(story.path("input").path("abbreviated").asBoolean()).isTrue();
        assertThat(story.path("input").path("preview").asString()).hasSize(2000).startsWith("{\"input\":{\"text\":\"xxx");
        assertThat(story.path("attempts")).hasSize(2).allSatisfy(a -> assertThat(a.path("worker").asString()).contains("/"));
        JsonNode full = api.get("/api/v1/pipelines/" + chainId + "/tasks/1?full_input=true").json().path("data").path("input");
        assertThat(full.path("abbreviated").asBoolean()).isFalse();
        assertThat(full.path("value").path("args").path("note").asString()).isEqualTo("first");
        assertThat(full.path("value").path("input").path("text").asString()).hasSize(3000);
        assertThat(api.get("/api/v1/pipelines/" + chainId + "/tasks/0?full_input=true").json().path("data").path("input").path("value")
                .path("text").asString()).as("the first step gets the run's input").hasSize(3000);
    }

    @Test
    void answersBadInputWithA4xxThatSaysWhatIsWrong() {
        ApiClient api = new ApiClient(port);
        assertError(api.get("/api/v1/dead-letters?limit=0"), 400, "limit must be between 1 and 500");
        assertError(api.get("/api/v1/dead-letters?topic=ai.pipeline.events"), 400, "topic must be one of");
        assertError(api.postJson("/api/v1/dead-letters/ai.pipeline.events/0/0/replay", ""), 404, "not a dead-letter topic");
        assertError(api.postJson("/api/v1/dead-letters/" + Topics.TASKS_DEAD_LETTER + "/999/0/replay", ""), 404, "no partition 999");
        assertError(api.postJson("/api/v1/dead-letters/" + Topics.TASKS_DEAD_LETTER + "/0/99999999/replay", ""), 404,
                "no record at offset 99999999");
        assertError(api.get("/api/v1/stats?window=2w"), 400, "window must be");
        assertError(api.get("/api/v1/pipelines/no-such-run/tasks/0"), 404, "no pipeline with chain id no-such-run");
        String chainId = new Pipelines(api).run("{\"task\": \"core.echo\"}", "{}");
        assertError(api.get("/api/v1/pipelines/" + chainId + "/tasks/7"), 404, "has no task at node 7");
        assertThat(api.get("/api/v1/stats?window=15m").status()).isEqualTo(200);
    }

    private static void assertError(ApiClient.Response response, int status, String message) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.json().path("error").path("message").asString()).contains(message);
    }

    private static JsonNode deadLetter(ApiClient api, String chainId) {
        ApiClient.Response list = api.get("/api/v1/dead-letters?topic=" + Topics.TASKS_DEAD_LETTER);
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        for (JsonNode item : list.json().path("data").path("items")) {
            if (chainId.equals(item.path("chain_id").asString())) {
                return item;
            }
        }
        return null;
    }

    private long finishedReports(String taskId) {
        return TopicLog.readAll(kafka.bootstrapServers(), Topics.RESULTS).stream()
                .filter(r -> taskId.equals(r.path("task_id").asString()) && r.path("attempt").asInt() == 1
                        && "FINISHED".equals(r.path("type").asString()))
                .count();
    }

    private static List<String> outcomes(JsonNode task) {
        List<String> outcomes = new ArrayList<>();
        task.path("attempts").forEach(a -> outcomes.add(a.path("outcome").asString()));
        return outcomes;
    }
}

package ai.pipeline.orchestration.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Retrying runs that failed inside a chord: the failed members run again, the members that
 * succeeded are reused (they do not report again, yet the join completes), then the body runs.
 */
@AppTest
class ChordRetryIT {

    @LocalServerPort
    int port;

    @Test
    void retryRerunsTheFailedMemberOfAnAllSettledChordBeforeItsBody() {
        ApiClient api = new ApiClient(port);
        Pipelines pipelines = new Pipelines(api);
        String chainId = pipelines.run("""
                {"chord": {"header": [{"task": "core.fail", "args": {"times": 1, "retryable": false}},
                                      {"task": "core.echo"}],
                           "body": {"task": "core.fail", "args": {"times": 1, "retryable": false}},
                           "policy": "all_settled"}}""", "{}");
        assertThat(pipelines.awaitEnd(chainId).path("status").asString()).isEqualTo("FAILURE");

        assertThat(api.post("/api/v1/pipelines/" + chainId + "/retry", "application/json", new byte[0]).status()).isEqualTo(202);
        JsonNode run = pipelines.awaitEnd(chainId);

        assertThat(run.path("status").asString()).isEqualTo("SUCCESS");
        assertThat(pipelines.task(chainId, "0.h0").path("state").asString()).isEqualTo("SUCCESS");
        JsonNode bodyInput = pipelines.task(chainId, "0.body").path("result").path("input");
        assertThat(bodyInput.get(0).path("status").asString()).isEqualTo("SUCCESS");
    }

    @Test
    void retryOfAFailFastChordRerunsTheFailedMemberAndReusesTheOthers() {
        ApiClient api = new ApiClient(port);
        Pipelines pipelines = new Pipelines(api);
        String chainId = pipelines.run("""
                {"chord": {"header": [{"task": "core.echo", "args": {"kept": true}},
                                      {"chain": [{"task": "core.sleep", "args": {"ms": 300}},
                                                 {"task": "core.fail", "args": {"times": 1, "retryable": false}}]}],
                           "body": {"task": "core.echo"}, "policy": "fail_fast", "timeout_s": 60}}""", "{}");
        // (the sleep lets the echo finish first: members run at the same time, and fail_fast revokes
        // a member still running when another fails, which a retry then runs again)
        assertThat(pipelines.awaitEnd(chainId).path("status").asString()).isEqualTo("FAILURE");
        String keptFinished = pipelines.task(chainId, "0.h0").path("finished_at").asString();

        assertThat(api.post("/api/v1/pipelines/" + chainId + "/retry", "application/json", new byte[0]).status()).isEqualTo(202);
        JsonNode run = pipelines.awaitEnd(chainId);

        assertThat(run.path("status").asString()).isEqualTo("SUCCESS");
        assertThat(pipelines.task(chainId, "0.h0").path("finished_at").asString()).isEqualTo(keptFinished);
        assertThat(pipelines.task(chainId, "0.h1.1").path("attempt").asInt()).isEqualTo(2);
        assertThat(run.path("result").path("input").get(0).path("args").path("kept").asBoolean()).isTrue();
    }
}

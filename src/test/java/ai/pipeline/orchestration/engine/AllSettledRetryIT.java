package ai.pipeline.orchestration.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Retrying a run whose all-settled chord had a failed member and then a failed body. The join
 * completed (all members settled), so on resume the Advancer finds it SUCCESS and dispatches the body
 * at once: the failed member is reset to PENDING but never dispatched again, the body gets it as
 * "did not finish", and the run can even end SUCCESS with that member still PENDING.
 * Expected: resume re-runs the failed member first, then the body sees its new result.
 */
@AppTest
@Disabled("engine bug, found by the pipelines work: resume of an all_settled chord skips its failed members")
class AllSettledRetryIT {

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
}

package ai.pipeline.orchestration.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.LockedRunRow;
import ai.pipeline.testsupport.Pipelines;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A group commit the database refuses for a moment (here: a lock it waits for in vain) is stored whole
 * by a later one: the run ends as it would have, and is counted in the metrics like any other, not
 * lost with the failed attempt.
 */
@AppTest
class FailedCommitIT {

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    PipelineEngine engine;

    @Autowired
    MeterRegistry meters;

    @Test
    void aRunWhoseEndIsStoredOnARetryIsCountedOnce() throws Exception {
        Pipelines pipelines = new Pipelines(new ApiClient(port));
        String chainId = pipelines.run("{\"chain\": [{\"task\": \"core.sleep\", \"args\": {\"ms\": 1500}}, {\"task\": \"core.echo\"}]}", "{}");
        await().atMost(Duration.ofSeconds(30)).until(() -> pipelines.task(chainId, "0").path("state").asString().equals("STARTED"));
        double finishedBefore = finishedWorkflows();

        // another transaction holds the run's row: the commits that change it fail (a lock timeout, a failure
        // the engine retries) until it lets go
        try (LockedRunRow row = LockedRunRow.lock(dataSource, chainId)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> engine.heldPipeline(chainId)
                    .map(run -> run.status.name().equals("SUCCESS")).orElse(false));
            // the attempts after the run's end take it, and fail: each waits H2's lock timeout (2 s) in vain
            await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(this::aCommitFailed);
            assertThat(finishedWorkflows()).as("not counted before it is stored").isEqualTo(finishedBefore);
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> !aCommitFailed());
        assertThat(pipelines.awaitEnd(chainId).path("status").asString()).isEqualTo("SUCCESS");
        await().atMost(Duration.ofSeconds(10)).until(() -> finishedWorkflows() > finishedBefore);
        assertThat(finishedWorkflows() - finishedBefore).as("the run's end in ai_pipeline_finished_total").isEqualTo(1.0);
    }

    private boolean aCommitFailed() {
        try {
            engine.checkCommitting();
            return false;
        } catch (RuntimeException failure) {
            return true;
        }
    }

    private double finishedWorkflows() {
        Counter finished = meters.find("ai.pipeline.finished").tag("pipeline", "workflow").tag("status", "SUCCESS").counter();
        return finished == null ? 0 : finished.count();
    }
}

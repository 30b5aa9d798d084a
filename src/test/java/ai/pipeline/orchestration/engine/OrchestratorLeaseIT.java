package ai.pipeline.orchestration.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * One orchestrator at a time: when another instance takes the orchestrator lease (this one was
 * presumed dead), this instance's next group commit is fenced off — it writes nothing more, stands
 * by and refuses starts with 503, leaving no trace of them — and it takes the lease back, with a new
 * epoch, once the other instance's lease has expired.
 */
@AppTest
class OrchestratorLeaseIT {

    private static final String ECHO = "{\"task\": \"core.echo\"}";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void anInstanceThatLostTheLeaseWritesNothingRefusesStartsAndTakesTheLeaseBackWhenItExpires() {
        ApiClient api = new ApiClient(port);
        Pipelines pipelines = new Pipelines(api);
        assertThat(pipelines.awaitEnd(pipelines.run(ECHO, "{}")).path("status").asString()).isEqualTo("SUCCESS");
        Map<String, Object> ours = jdbc.queryForMap("SELECT holder, epoch FROM engine_lease WHERE name = 'orchestrator'");

        String refusedRequest = "lease-it-" + UUID.randomUUID();
        try {
            jdbc.update("UPDATE engine_lease SET holder = 'another-instance', epoch = epoch + 1, expires_at = ? "
                    + "WHERE name = 'orchestrator'", OffsetDateTime.now(ZoneOffset.UTC).plusHours(1));

            ApiClient.Response refused = api.postJson("/api/v1/workflows",
                    "{\"canvas\": " + ECHO + ", \"input\": {}, \"request_id\": \"" + refusedRequest + "\"}");
            assertThat(refused.status()).as(refused.body()).isEqualTo(503);
            assertThat(refused.json().path("success").asBoolean()).isFalse();
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM pipeline_execution WHERE request_id = ?", Integer.class,
                    refusedRequest)).as("a refused start leaves nothing").isZero();
            assertThat(jdbc.queryForObject("SELECT holder FROM engine_lease WHERE name = 'orchestrator'", String.class))
                    .as("the fenced instance did not take the lease back while it was held").isEqualTo("another-instance");
        } finally {
            // the other instance went away: its lease has expired
            jdbc.update("UPDATE engine_lease SET expires_at = ? WHERE name = 'orchestrator'",
                    OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
        }

        String chainId = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            ApiClient.Response started = api.postJson("/api/v1/workflows", "{\"canvas\": " + ECHO + ", \"input\": {}}");
            return started.status() == 202 ? started.json().path("data").path("chain_id").asString() : null;
        }, id -> id != null);
        assertThat(pipelines.awaitEnd(chainId).path("status").asString()).isEqualTo("SUCCESS");
        Map<String, Object> now = jdbc.queryForMap("SELECT holder, epoch FROM engine_lease WHERE name = 'orchestrator'");
        assertThat(now.get("holder")).isEqualTo(ours.get("holder"));
        assertThat(((Number) now.get("epoch")).longValue()).isGreaterThan(((Number) ours.get("epoch")).longValue() + 1);
    }
}

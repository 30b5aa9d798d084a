package ai.pipeline.orchestration.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.Apps;
import ai.pipeline.testsupport.Pipelines;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Re-run, delete and retention on PostgreSQL (migration V3 and every statement of {@code FinishedRuns}),
 * and the retention job doing nothing on an instance that does not hold the orchestrator lease.
 */
class RerunAndRetentionOnPostgresIT {

    private static final String ECHO = "{\"chain\": [{\"task\": \"core.echo\"}, {\"task\": \"core.echo\"}]}";

    @TempDir
    Path dir;

    @Test
    void reRunsDeletesAndPurgesOnlyWhileHoldingTheLease() throws Exception {
        Files.createDirectories(dir.resolve("pg"));
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).setCleanDataDirectory(true).start();
             ConfigurableApplicationContext app = Apps.start(Map.of(
                     "app.data-dir", dir.resolve("data").toString(),
                     "spring.datasource.url", postgres.getJdbcUrl("postgres", "postgres"),
                     "spring.datasource.username", "postgres",
                     "spring.datasource.password", "postgres",
                     "app.retention.runs", "1h",
                     "app.retention.interval", "0"))) {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            ApiClient api = new ApiClient(port);
            Pipelines pipelines = new Pipelines(api);
            JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
            RetentionJob retention = app.getBean(RetentionJob.class);

            String first = pipelines.run(ECHO, "{\"n\": 1}");
            assertThat(pipelines.awaitEnd(first).path("status").asString()).isEqualTo("SUCCESS");
            ApiClient.Response rerun = api.postJson("/api/v1/pipelines/" + first + "/rerun", "");
            assertThat(rerun.status()).as(rerun.body()).isEqualTo(202);
            String second = rerun.json().path("data").path("chain_id").asString();
            JsonNode repeated = pipelines.awaitEnd(second);
            assertThat(repeated.path("rerun_of").asString()).isEqualTo(first);
            assertThat(pipelines.pipeline(first).path("reruns")).extracting(JsonNode::asString).containsExactly(second);
            assertThat(api.delete("/api/v1/pipelines/" + second).status()).isEqualTo(200);
            assertThat(api.get("/api/v1/pipelines/" + second).status()).isEqualTo(404);
            assertThat(pipelines.pipeline(first).path("reruns")).isEmpty();

            try {
                jdbc.update("UPDATE engine_lease SET holder = 'another-instance', epoch = epoch + 1, expires_at = ? "
                        + "WHERE name = 'orchestrator'", OffsetDateTime.now(ZoneOffset.UTC).plusHours(1));
                await().atMost(Duration.ofSeconds(10)).until(() -> !retention.pass());
                jdbc.update("UPDATE pipeline_execution SET finished_at = ? WHERE chain_id = ?",
                        OffsetDateTime.now(ZoneOffset.UTC).minusHours(2), first);   // its retention (1h) ran out
                assertThat(retention.pass()).isFalse();
                assertThat(api.get("/api/v1/pipelines/" + first).status()).as("purged by an instance without the lease").isEqualTo(200);
                ApiClient.Response refused = api.delete("/api/v1/pipelines/" + first);
                assertThat(refused.status()).as(refused.body()).isEqualTo(503);
            } finally {
                jdbc.update("UPDATE engine_lease SET expires_at = ? WHERE name = 'orchestrator'",
                        OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
            }

            // taking the lease back waits until the routes stopped when standing by are stopped (on the lease's
            // thread): about 3 s here, but once more than 30 s on a loaded CI machine (logged as "Stopping route … took")
            await().atMost(Duration.ofSeconds(90)).until(retention::pass);
            assertThat(api.get("/api/v1/pipelines/" + first).status()).isEqualTo(404);
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM task_execution", Long.class)).isZero();
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM task_attempt", Long.class)).isZero();
        }
    }
}

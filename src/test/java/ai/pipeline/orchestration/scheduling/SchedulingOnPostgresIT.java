package ai.pipeline.orchestration.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.Apps;
import ai.pipeline.testsupport.Pipelines;
import com.sun.net.httpserver.HttpServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Scheduling and callbacks on PostgreSQL (migrations V5 and V6 and every statement of this module),
 * with schedules from configuration run by the real timer routes: a periodic canvas ticks and runs,
 * a schedule whose cron does not parse is refused and shown in health, a scheduled run waits, runs
 * when due and reports its end to a callback receiver, one cancelled while it waits ends CANCELLED.
 */
class SchedulingOnPostgresIT {

    @TempDir
    Path dir;

    @Test
    void schedulesScheduledRunsAndCallbacksWorkOnPostgres() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks", exchange -> {
            received.add(exchange.getRequestHeaders().getFirst("X-Chain-Id"));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        Files.createDirectories(dir.resolve("pg"));
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).setCleanDataDirectory(true).start();
             ConfigurableApplicationContext app = Apps.start(Map.of(
                     "app.data-dir", dir.resolve("data").toString(),
                     "spring.datasource.url", postgres.getJdbcUrl("postgres", "postgres"),
                     "spring.datasource.username", "postgres",
                     "spring.datasource.password", "postgres",
                     "app.schedules[0].name", "echo-every-second",
                     "app.schedules[0].canvas", "{\"task\": \"core.echo\"}",
                     "app.schedules[0].cron", "* * * * * *",
                     "app.schedules[1].name", "never-parses",
                     "app.schedules[1].pipeline", "document",
                     "app.schedules[1].cron", "every day at noon"))) {
            ApiClient api = new ApiClient(((WebServerApplicationContext) app).getWebServer().getPort());
            Pipelines pipelines = new Pipelines(api);
            JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
            String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks";

            JsonNode refused = api.get("/actuator/health").json().path("components").path("schedules");
            assertThat(refused.path("status").asString()).isEqualTo("DEGRADED");
            assertThat(refused.path("details").path("refused").path("never-parses").asString()).contains("every day at noon");

            ApiClient.Response due = api.postJson("/api/v1/workflows", "{\"canvas\": {\"task\": \"core.echo\"}, "
                    + "\"countdown_s\": 1, \"request_id\": \"pg-scheduled\", \"callback_url\": \"" + hook + "\"}");
            assertThat(due.status()).as(due.body()).isEqualTo(202);
            String chainId = due.json().path("data").path("chain_id").asString();
            assertThat(api.get("/api/v1/pipelines/history?status=SCHEDULED&request_id=pg-scheduled").json()
                    .path("data").path("total").asLong()).isEqualTo(1);
            ApiClient.Response waiting = api.postJson("/api/v1/workflows", "{\"canvas\": {\"task\": \"core.echo\"}, "
                    + "\"countdown_s\": 600, \"callback_url\": \"" + hook + "\"}");
            String cancelled = waiting.json().path("data").path("chain_id").asString();
            assertThat(api.delete("/api/v1/pipelines/" + cancelled + "/cancel").status()).isEqualTo(200);

            assertThat(pipelines.awaitEnd(chainId).path("status").asString()).isEqualTo("SUCCESS");
            await().atMost(Duration.ofSeconds(20)).until(() -> received.containsAll(List.of(chainId, cancelled)));
            assertThat(pipelines.pipeline(chainId).path("callback").path("state").asString()).isEqualTo("DELIVERED");
            assertThat(pipelines.pipeline(cancelled).path("status").asString()).isEqualTo("CANCELLED");

            JsonNode schedule = await().atMost(Duration.ofSeconds(20)).until(
                    () -> api.get("/api/v1/schedules").json().path("data").get(0), s -> s.has("last_chain_id"));
            assertThat(schedule.path("name").asString()).isEqualTo("echo-every-second");
            assertThat(pipelines.awaitEnd(schedule.path("last_chain_id").asString()).path("source").asString())
                    .isEqualTo("schedule");
            assertThat(jdbc.queryForObject("SELECT COUNT(DISTINCT chain_id) FROM schedule_tick", Long.class))
                    .isEqualTo(jdbc.queryForObject("SELECT COUNT(*) FROM schedule_tick", Long.class));

            app.getBean(SchedulingPurge.class).purge();   // its statements run on PostgreSQL (nothing is old enough yet)
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM scheduled_run WHERE chain_id = ?", Long.class, cancelled)).isEqualTo(1);
        } finally {
            receiver.stop(0);
        }
    }
}

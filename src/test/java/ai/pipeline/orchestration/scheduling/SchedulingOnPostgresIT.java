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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Scheduling and callbacks on PostgreSQL (migrations V5 and V6 and every statement of this module),
 * across a restart, with schedules from configuration run by the real timer routes. Before the
 * restart: a schedule whose cron does not parse is refused and shown in health, a periodic canvas
 * ticks and runs, a run is scheduled, another is cancelled while it waits and its callback fails.
 * After it: the scheduled run (due while the application was down) runs under its chain id, and both
 * callbacks are delivered, the failed one resumed.
 */
class SchedulingOnPostgresIT {

    @TempDir
    Path dir;

    @Test
    void scheduledRunsAndPendingCallbacksSurviveARestartOnPostgres() throws Exception {
        List<String> delivered = new CopyOnWriteArrayList<>();
        AtomicBoolean receiving = new AtomicBoolean(false);
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks", exchange -> {
            if (receiving.get()) {
                delivered.add(exchange.getRequestHeaders().getFirst("X-Chain-Id"));
            }
            exchange.sendResponseHeaders(receiving.get() ? 200 : 503, -1);
            exchange.close();
        });
        receiver.start();
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks";
        Files.createDirectories(dir.resolve("pg"));
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).setCleanDataDirectory(true).start()) {
            Map<String, String> properties = new HashMap<>(Map.of(
                    "app.data-dir", dir.resolve("data").toString(),
                    "spring.datasource.url", postgres.getJdbcUrl("postgres", "postgres"),
                    "spring.datasource.username", "postgres",
                    "spring.datasource.password", "postgres",
                    "app.callbacks.first-backoff", "3s",
                    "app.schedules[0].name", "echo-every-second",
                    "app.schedules[0].canvas", "{\"task\": \"core.echo\"}",
                    "app.schedules[0].cron", "* * * * * *"));
            properties.putAll(Map.of(
                    "app.schedules[1].name", "never-parses",
                    "app.schedules[1].pipeline", "document",
                    "app.schedules[1].cron", "every day at noon"));
            String scheduled;
            String cancelled;
            try (ConfigurableApplicationContext app = Apps.start(properties)) {
                ApiClient api = api(app);
                Pipelines pipelines = new Pipelines(api);
                JsonNode refused = api.get("/actuator/health").json().path("components").path("schedules");
                assertThat(refused.path("status").asString()).isEqualTo("DEGRADED");
                assertThat(refused.path("details").path("refused").path("never-parses").asString()).contains("every day at noon");

                JsonNode schedule = await().atMost(Duration.ofSeconds(20)).until(
                        () -> api.get("/api/v1/schedules").json().path("data").get(0), s -> s.has("last_chain_id"));
                assertThat(schedule.path("name").asString()).isEqualTo("echo-every-second");
                assertThat(pipelines.awaitEnd(schedule.path("last_chain_id").asString()).path("source").asString())
                        .isEqualTo("schedule");

                scheduled = start(api, "{\"canvas\": {\"task\": \"core.echo\"}, \"input\": {\"n\": 5}, \"countdown_s\": 3600, "
                        + "\"request_id\": \"pg-scheduled\", \"callback_url\": \"" + hook + "\"}");
                assertThat(api.get("/api/v1/pipelines/history?status=SCHEDULED&request_id=pg-scheduled").json()
                        .path("data").path("total").asLong()).isEqualTo(1);
                cancelled = start(api, "{\"canvas\": {\"task\": \"core.echo\"}, \"countdown_s\": 3600, \"callback_url\": \""
                        + hook + "\"}");
                assertThat(api.delete("/api/v1/pipelines/" + cancelled + "/cancel").status()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(20)).until(() -> pipelines.pipeline(cancelled).path("callback").path("attempts").size() >= 1);

                app.getBean(SchedulingPurge.class).purge();   // its statements run on PostgreSQL (nothing is old enough yet)
                // the scheduled run becomes due while the application is down
                app.getBean(JdbcTemplate.class).update("UPDATE scheduled_run SET due_at = ? WHERE chain_id = ?",
                        OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(2), scheduled);
            }

            receiving.set(true);
            try (ConfigurableApplicationContext app = Apps.start(properties)) {
                ApiClient api = api(app);
                Pipelines pipelines = new Pipelines(api);
                JsonNode ran = pipelines.awaitEnd(scheduled, Duration.ofSeconds(60));
                assertThat(ran.path("status").asString()).isEqualTo("SUCCESS");
                assertThat(ran.path("result").path("input").path("n").asInt()).isEqualTo(5);
                await().atMost(Duration.ofSeconds(30)).until(() -> delivered.containsAll(List.of(scheduled, cancelled)));
                JsonNode resumed = pipelines.pipeline(cancelled);
                assertThat(resumed.path("status").asString()).isEqualTo("CANCELLED");
                assertThat(resumed.path("callback").path("state").asString()).isEqualTo("DELIVERED");
                assertThat(resumed.path("callback").path("attempts").size()).isGreaterThan(1);
                JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
                assertThat(jdbc.queryForObject("SELECT COUNT(DISTINCT chain_id) FROM schedule_tick", Long.class))
                        .isEqualTo(jdbc.queryForObject("SELECT COUNT(*) FROM schedule_tick", Long.class));
            }
        } finally {
            receiver.stop(0);
        }
    }

    private static ApiClient api(ConfigurableApplicationContext app) {
        return new ApiClient(((WebServerApplicationContext) app).getWebServer().getPort());
    }

    private static String start(ApiClient api, String body) {
        ApiClient.Response response = api.postJson("/api/v1/workflows", body);
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        return response.json().path("data").path("chain_id").asString();
    }
}

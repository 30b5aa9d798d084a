package ai.pipeline.orchestration.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.orchestration.PipelineService;
import ai.pipeline.orchestration.canvas.CanvasJson;
import ai.pipeline.orchestration.pipelines.PipelineCatalog;
import ai.pipeline.orchestration.pipelines.PipelineInputs;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Periodic schedules against the real engine, broker and database. Two schedulers over the same
 * database stand for two instances in turn holding the lease: each tick is claimed once, so it runs
 * once whichever of them sees it; a claimed tick whose run was not started is started by the next
 * pass. Schedules that cannot run are refused at start, naming themselves.
 */
@AppTest
class PeriodicSchedulesIT {

    @LocalServerPort
    int port;

    @Autowired
    PipelineService pipelines;

    @Autowired
    PipelineCatalog catalog;

    @Autowired
    PipelineInputs inputs;

    @Autowired
    CanvasJson canvasJson;

    @Autowired
    JsonMapper json;

    @Autowired
    ScheduleTicks ticks;

    @Autowired
    JdbcTemplate jdbc;

    private PeriodicSchedules scheduler(ScheduleDefinitions.Entry... entries) {
        return new PeriodicSchedules(new ScheduleDefinitions(List.of(entries)), pipelines, catalog, inputs, canvasJson, json, ticks);
    }

    private static ScheduleDefinitions.Entry everySecond(String name) {
        return new ScheduleDefinitions.Entry(name, null, "{\"task\": \"core.echo\"}", "{\"tick\": true}", null, "* * * * * *", "Europe/Paris");
    }

    private List<String> runsOf(String schedule) {
        return jdbc.queryForList("SELECT chain_id FROM schedule_tick WHERE schedule = ? AND started = TRUE ORDER BY tick_at",
                String.class, schedule);
    }

    @Test
    void eachTickRunsOnceWhicheverInstanceSeesIt() {
        String name = "every-second-" + UUID.randomUUID().toString().substring(0, 8);
        PeriodicSchedules one = scheduler(everySecond(name));
        PeriodicSchedules other = scheduler(everySecond(name));

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            one.tick();
            other.tick();
            return runsOf(name).size() >= 2;
        });
        List<String> runs = runsOf(name);
        assertThat(runs).doesNotHaveDuplicates();
        Long ticksSeen = jdbc.queryForObject("SELECT COUNT(*) FROM schedule_tick WHERE schedule = ?", Long.class, name);
        assertThat(ticksSeen).isEqualTo(runs.size());

        Pipelines api = new Pipelines(new ApiClient(port));
        JsonNode first = api.awaitEnd(runs.get(0));
        assertThat(first.path("status").asString()).isEqualTo("SUCCESS");
        assertThat(first.path("source").asString()).isEqualTo("schedule");
        assertThat(first.path("result").path("input").path("tick").asBoolean()).isTrue();

        PeriodicSchedules.ScheduleView view = one.views().get(0);
        assertThat(view.name()).isEqualTo(name);
        assertThat(view.zone()).isEqualTo("Europe/Paris");
        assertThat(view.nextTick()).isNotNull();
        assertThat(view.lastTick()).isNotNull();
    }

    @Test
    void aTickClaimedByAnInstanceThatStoppedIsStartedByTheNextPass() {
        String name = "orphan-" + UUID.randomUUID().toString().substring(0, 8);
        String chainId = UUID.randomUUID().toString();
        // an instance claimed a tick of this schedule, then stopped before starting its run
        assertThat(ticks.claim(new ScheduleTicks.Tick(name, java.time.Instant.now().minusSeconds(5), chainId, false, null))).isTrue();
        PeriodicSchedules next = scheduler(new ScheduleDefinitions.Entry(name, null, "{\"task\": \"core.echo\"}", null, null,
                "0 0 0 1 1 *", null));
        next.tick();
        assertThat(new Pipelines(new ApiClient(port)).awaitEnd(chainId).path("status").asString()).isEqualTo("SUCCESS");
        assertThat(runsOf(name)).containsExactly(chainId);
    }

    @Test
    void schedulesThatCannotRunAreRefusedNamingThemselvesAndTheOthersRun() {
        PeriodicSchedules schedules = scheduler(
                new ScheduleDefinitions.Entry("bad-cron", "document", null, null, null, "every minute", null),
                new ScheduleDefinitions.Entry("bad-zone", "document", null, null, null, "0 * * * * *", "Mars/Olympus"),
                new ScheduleDefinitions.Entry("both", "document", "{\"task\": \"core.echo\"}", null, null, "0 * * * * *", null),
                new ScheduleDefinitions.Entry("bad-canvas", null, "{\"task\": \"no.such-task\"}", null, null, "0 * * * * *", null),
                new ScheduleDefinitions.Entry("good", "document", null, "{\"document_path\": \"x.png\"}", null, "@hourly", null));
        assertThat(schedules.refused()).containsOnlyKeys("bad-cron", "bad-zone", "both", "bad-canvas");
        assertThat(schedules.refused().get("bad-cron")).contains("cron 'every minute' does not parse");
        assertThat(schedules.refused().get("bad-zone")).contains("Mars/Olympus");
        assertThat(schedules.refused().get("bad-canvas")).contains("no.such-task");
        assertThat(schedules.views()).extracting(PeriodicSchedules.ScheduleView::name)
                .containsExactly("good", "bad-canvas", "bad-cron", "bad-zone", "both");
        assertThat(new SchedulesHealthIndicator(schedules).health().getStatus().getCode()).isEqualTo("DEGRADED");
    }

    @Test
    void theSchedulesEndpointListsTheConfiguredSchedules() {
        ApiClient.Response response = new ApiClient(port).get("/api/v1/schedules");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().path("data").isArray()).isTrue();
    }
}

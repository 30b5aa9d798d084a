package ai.pipeline.orchestration.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.shared.task.TaskFailure;
import ai.pipeline.testsupport.MemoryH2;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The charts' and the workers' SQL on both databases the application runs on, over the real schema
 * (Flyway's migrations) with rows written as the engine writes them.
 */
class RunStatsIT {

    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void computesOnH2() {
        check(MemoryH2.create("stats"));
    }

    @Test
    void computesOnPostgres() throws Exception {
        Files.createDirectories(dir.resolve("pg"));
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).setCleanDataDirectory(true).start()) {
            check(postgres.getPostgresDatabase());
        }
    }

    @Test
    void refusesAWindowItCannotRead() {
        assertThat(RunStats.parseWindow("1h").toMinutes()).isEqualTo(60);
        assertThat(RunStats.parseWindow("30m").toMinutes()).isEqualTo(30);
        for (String bad : new String[] {"", "1", "1w", "8d", "0m", "-1h", "1h; DROP"}) {
            assertThatThrownBy(() -> RunStats.parseWindow(bad)).as(bad).isInstanceOf(TaskFailure.class)
                    .hasMessageContaining("window must be");
        }
    }

    private void check(DataSource dataSource) {
        Flyway.configure().dataSource(dataSource).load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        // a: two runs in the window (1 s and 3 s), one failed; b: one run an hour and a half ago, outside it
        run(jdbc, "a1", "a", "SUCCESS", NOW.minusSeconds(600), 1_000);
        run(jdbc, "a2", "a", "FAILURE", NOW.minusSeconds(90), 3_000);
        run(jdbc, "b1", "b", "SUCCESS", NOW.minusSeconds(5400), 2_000);
        task(jdbc, "a1", "t1", "core.echo");
        attempt(jdbc, "t1", 1, "SUCCESS", NOW.minusSeconds(601), 400, null, "host/1");
        task(jdbc, "a2", "t2", "core.fail");
        attempt(jdbc, "t2", 1, "RETRY", NOW.minusSeconds(92), 200, "error: boom", "host/1");
        attempt(jdbc, "t2", 2, "FAILURE", NOW.minusSeconds(91), 600, "invalid_input: no: such thing", "host/2");

        RunStats.Stats stats = new RunStats(jdbc).over("1h", NOW);
        assertThat(stats.bucketSeconds()).isEqualTo(60);
        assertThat(stats.to()).isEqualTo(NOW);
        assertThat(new RunStats(jdbc).over("1h", NOW.plusMillis(1)).to()).as("rounded up to a bucket").isEqualTo(NOW.plusSeconds(60));
        assertThat(stats.pipelines()).singleElement().satisfies(a -> {
            assertThat(a.pipeline()).isEqualTo("a");
            assertThat(a.runs()).isEqualTo(2);
            assertThat(a.failed()).isEqualTo(1);
            assertThat(a.p50Seconds()).isEqualTo(2.0);
            assertThat(a.p95Seconds()).isEqualTo(2.9);
        });
        assertThat(stats.buckets()).extracting(RunStats.Bucket::bucket).containsExactly(50, 58);
        assertThat(stats.buckets().get(0).from()).isEqualTo(NOW.minusSeconds(600));
        assertThat(stats.tasks()).extracting(RunStats.TaskDurations::task, RunStats.TaskDurations::attempts,
                RunStats.TaskDurations::failed, RunStats.TaskDurations::maxSeconds)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("core.echo", 1L, 0L, 0.4),
                        org.assertj.core.groups.Tuple.tuple("core.fail", 2L, 2L, 0.6));
        assertThat(stats.failures()).extracting(RunStats.FailureReason::reason, RunStats.FailureReason::failedForGood,
                RunStats.FailureReason::retried).containsExactly(org.assertj.core.groups.Tuple.tuple("error", 0L, 1L),
                org.assertj.core.groups.Tuple.tuple("invalid_input", 1L, 0L));

        // the workers' counts read the same attempts (their window ends now, so shift them into it)
        jdbc.update("UPDATE task_attempt SET finished_at = ?", OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(30));
        // what runs now: the STARTED task of a running pipeline, with the worker whose report started it;
        // its finished step and another run's task that ended keep their workers but do not run
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(10);   // whole: PostgreSQL rounds micros
        jdbc.update("INSERT INTO pipeline_execution (chain_id, pipeline, status, canvas, source, created_at, started_at) "
                + "VALUES ('r1', 'a', 'RUNNING', '{}', 'rest', ?, ?)", at(started), at(started));
        runningTask(jdbc, "t3", "0", "SUCCESS", started);
        runningTask(jdbc, "t4", "1", "STARTED", started.plusSeconds(1));
        jdbc.update("UPDATE task_execution SET worker = 'host/3' WHERE task_id = 't1'");
        WorkerActivity activity = new WorkerActivity(jdbc);
        assertThat(activity.processes()).extracting(WorkerActivity.Process::worker, WorkerActivity.Process::done,
                WorkerActivity.Process::failed).containsExactly(org.assertj.core.groups.Tuple.tuple("host/3", 0L, 0L),
                org.assertj.core.groups.Tuple.tuple("host/1", 1L, 1L), org.assertj.core.groups.Tuple.tuple("host/2", 0L, 1L));
        WorkerActivity.Process host3 = activity.processes().get(0);
        assertThat(host3.running()).singleElement().satisfies(task -> {
            assertThat(task.chainId()).isEqualTo("r1");
            assertThat(task.taskId()).isEqualTo("t4");
            assertThat(task.task()).isEqualTo("core.sleep");
            assertThat(task.node()).isEqualTo("1");
            assertThat(task.attempt()).isEqualTo(1);
            assertThat(task.startedAt()).isEqualTo(started.plusSeconds(1));
        });
        assertThat(host3.lastSeen()).isEqualTo(started.plusSeconds(1));
    }

    private static void run(JdbcTemplate jdbc, String chainId, String pipeline, String status, Instant finished, long ms) {
        jdbc.update("INSERT INTO pipeline_execution (chain_id, pipeline, status, canvas, source, created_at, started_at, finished_at) "
                        + "VALUES (?, ?, ?, '{}', 'rest', ?, ?, ?)", chainId, pipeline, status, at(finished.minusMillis(ms + 10)),
                at(finished.minusMillis(ms)), at(finished));
    }

    private static void task(JdbcTemplate jdbc, String chainId, String taskId, String name) {
        jdbc.update("INSERT INTO task_execution (task_id, chain_id, node, name, state, attempt, max_attempts, created_at) "
                + "VALUES (?, ?, '0', ?, 'SUCCESS', 1, 3, ?)", taskId, chainId, name, at(NOW.minus(2, ChronoUnit.HOURS)));
    }

    private static void runningTask(JdbcTemplate jdbc, String taskId, String node, String state, Instant started) {
        jdbc.update("INSERT INTO task_execution (task_id, chain_id, node, name, state, attempt, max_attempts, created_at, "
                + "started_at, worker) VALUES (?, 'r1', ?, 'core.sleep', ?, 1, 3, ?, ?, 'host/3')", taskId, node, state,
                at(started), at(started));
    }

    private static void attempt(JdbcTemplate jdbc, String taskId, int attempt, String outcome, Instant finished, long ms,
                                String error, String worker) {
        jdbc.update("INSERT INTO task_attempt (task_id, attempt, outcome, started_at, finished_at, error, worker) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)", taskId, attempt, outcome, at(finished.minusMillis(ms)), at(finished), error, worker);
    }

    private static OffsetDateTime at(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}

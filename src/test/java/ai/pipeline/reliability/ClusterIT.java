package ai.pipeline.reliability;

import ai.pipeline.testsupport.TopicLog;
import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.orchestration.engine.Topics;
import ai.pipeline.testsupport.AppProcess;
import ai.pipeline.testsupport.ClusterInfrastructure;
import ai.pipeline.testsupport.StandaloneKafka;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 9, point 4: a small cluster on one machine — a Kafka broker in its own process, PostgreSQL,
 * an API/orchestrator process that runs no tasks and two worker processes that run every task.
 * {@value #DEFAULT_PIPELINES} mixed pipelines go through it; one worker is killed with SIGKILL
 * mid-run and not restarted, so the other takes over its partitions. The {@link ExactlyOnceAudit}
 * rules must hold, and chords whose members ran on both workers must have completed once, in order.
 * Sizes: {@code -Dcluster.pipelines=}, {@code -Dcluster.seed=}.
 */
@Tag("reliability")
class ClusterIT {

    private static final int DEFAULT_PIPELINES = 1000;
    private static final Pattern HEADER_MEMBER = Pattern.compile("(.*)\\.h\\d+$");

    @TempDir
    Path dir;

    @Test
    void pipelinesCompleteOnceWhenAWorkerOfTheClusterIsKilled() throws Exception {
        int total = Integer.getInteger("cluster.pipelines", DEFAULT_PIPELINES);
        long seed = Long.getLong("cluster.seed", System.nanoTime());
        System.out.printf("cluster: %d pipelines, seed %d%n", total, seed);
        try (ClusterInfrastructure infrastructure = ClusterInfrastructure.start(dir)) {
            StandaloneKafka kafka = infrastructure.kafka();
            EmbeddedPostgres postgres = infrastructure.postgres();
            // one storage shared by every process, as the cluster's shared volume is (k8s/base/storage.yaml)
            Path storage = Files.createDirectories(dir.resolve("api/storage"));
            for (String worker : List.of("worker1", "worker2")) {
                Files.createSymbolicLink(Files.createDirectories(dir.resolve(worker)).resolve("storage"), storage);
            }
            AppProcess api = new AppProcess(dir.resolve("api"), infrastructure.environment("APP_ENGINE_WORKER_TASKS", "none"));
            AppProcess worker1 = new AppProcess(dir.resolve("worker1"), infrastructure.environment("APP_ENGINE_ORCHESTRATOR", "false"));
            AppProcess worker2 = new AppProcess(dir.resolve("worker2"), infrastructure.environment("APP_ENGINE_ORCHESTRATOR", "false"));
            LoadDriver load = null;
            try {
                api.start();
                CompletableFuture.allOf(CompletableFuture.runAsync(worker1::start), CompletableFuture.runAsync(worker2::start)).join();
                Instant begin = Instant.now();
                load = new LoadDriver(api::api, "cluster").start(total, 20, seed);
                // kill a worker once a third of the load is in, while its tasks are running
                Random random = new Random(seed);
                int killAt = total / 4 + random.nextInt(total / 4);
                while (load.accepted.size() < killAt) {
                    Thread.sleep(100);
                }
                try (WorkerGroupsWatch groups = new WorkerGroupsWatch(kafka.bootstrapServers())) {
                    worker1.kill();
                    long killed = System.nanoTime();
                    System.out.printf("cluster: worker1 killed at %d s with %d accepted%n",
                            Duration.between(begin, Instant.now()).toSeconds(), load.accepted.size());
                    // measured, not asserted (the target: within 10 s)
                    System.out.printf("cluster: worker2 alone in every worker group %s after the kill%n", groups
                            .awaitServedBy(0.5, killed, Duration.ofSeconds(60)).map(d -> d.toMillis() + " ms").orElse("not within 60 s"));
                }
                load.awaitSubmitted(Duration.ofMinutes(15).toMillis());
                Duration drained = Drain.untilAllEnded(api.api(), begin, Duration.ofMinutes(15));

                List<JsonNode> events = TopicLog.readAll(kafka.bootstrapServers(), Topics.EVENTS);
                List<JsonNode> reports = TopicLog.readAll(kafka.bootstrapServers(), Topics.RESULTS);
                try (Connection db = postgres.getPostgresDatabase().getConnection()) {
                    ExactlyOnceAudit audit = ExactlyOnceAudit.check(db, load.accepted, events, reports);
                    int spread = chordsAcrossWorkers(db);
                    System.out.printf("cluster: all terminal %d s after the first submission; %d chord headers ran on both workers; %s%n",
                            drained.toSeconds(), spread, audit);
                    assertThat(audit.violations).as(audit.toString()).isEmpty();
                    assertThat(audit.pipelines).isEqualTo(total);
                    assertThat(spread).as("chords whose members ran on different instances").isPositive();
                }
            } finally {
                if (load != null) {
                    load.stop();
                }
                for (AppProcess app : List.of(api, worker1, worker2)) {
                    app.kill();
                }
                ReliabilityLogs.keep(getClass().getSimpleName(), dir.resolve("api/app.log"), dir.resolve("worker1/app.log"),
                        dir.resolve("worker2/app.log"), dir.resolve("kafka/broker.log"));
            }
        }
    }

    /** Chord headers and groups whose successful members were run by more than one process. */
    private static int chordsAcrossWorkers(Connection db) throws Exception {
        Map<String, Set<String>> workersByJoin = new HashMap<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT t.chain_id, t.node, a.worker FROM task_attempt a JOIN task_execution t ON t.task_id = a.task_id
                WHERE a.outcome = 'SUCCESS'""")) {
            while (rs.next()) {
                Matcher member = HEADER_MEMBER.matcher(rs.getString(2));
                if (member.matches()) {
                    workersByJoin.computeIfAbsent(rs.getString(1) + "|" + member.group(1), k -> new HashSet<>()).add(rs.getString(3));
                }
            }
        }
        return (int) workersByJoin.values().stream().filter(workers -> workers.size() > 1).count();
    }
}

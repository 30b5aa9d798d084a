package ai.pipeline.orchestration.monitor;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BinaryOperator;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * What each worker process did lately and does now, from the execution records, so every instance
 * answers the same and it survives a restart. Processes are named as their reports name them
 * ({@code host/pid}). What runs now: the tasks in state STARTED of running pipelines, with the
 * worker whose STARTED report the orchestrator applied (a task shows up once it has run for
 * {@code app.engine.started-report-after}, and within a group commit of that report); what they
 * finished, and when they were last seen: their attempts.
 */
@Service
public class WorkerActivity {

    /** Rates are averaged over this window: per minute, steadier than the last minute alone. */
    static final Duration WINDOW = Duration.ofMinutes(5);
    private static final BinaryOperator<Instant> LATER = BinaryOperator.maxBy(Comparator.naturalOrder());

    public record RunningTask(String chainId, String node, String taskId, String task, int attempt, Instant startedAt) {
    }

    public record Process(String worker, Instant lastSeen, List<RunningTask> running, long done, long failed,
                          double donePerMinute, double failedPerMinute) {
    }

    private final JdbcTemplate jdbc;

    public WorkerActivity(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Every process seen in the window or running something now, busiest first. */
    public List<Process> processes() {
        Map<String, List<RunningTask>> now = new TreeMap<>();
        Map<String, Instant> lastSeen = new TreeMap<>();
        // running pipelines are found by pipeline_execution's status index, their tasks by (chain_id, node)
        jdbc.query("SELECT t.chain_id, t.node, t.task_id, t.name, t.attempt, t.started_at, t.worker "
                        + "FROM pipeline_execution p JOIN task_execution t ON t.chain_id = p.chain_id "
                        + "WHERE p.status = 'RUNNING' AND t.state = 'STARTED' AND t.worker IS NOT NULL",
                rs -> {
                    Instant startedAt = instant(rs.getObject("started_at", OffsetDateTime.class));
                    String worker = rs.getString("worker");
                    now.computeIfAbsent(worker, w -> new ArrayList<>()).add(new RunningTask(rs.getString("chain_id"),
                            rs.getString("node"), rs.getString("task_id"), rs.getString("name"), rs.getInt("attempt"), startedAt));
                    if (startedAt != null) {
                        lastSeen.merge(worker, startedAt, LATER);
                    }
                });
        Instant since = Instant.now().minus(WINDOW);
        Map<String, long[]> counts = new TreeMap<>();
        jdbc.query("SELECT worker, SUM(CASE WHEN outcome = 'SUCCESS' THEN 1 ELSE 0 END) AS done, "
                        + "SUM(CASE WHEN outcome = 'SUCCESS' THEN 0 ELSE 1 END) AS failed, MAX(finished_at) AS last_seen "
                        + "FROM task_attempt WHERE finished_at >= ? AND worker IS NOT NULL GROUP BY worker",
                rs -> {
                    String worker = rs.getString("worker");
                    counts.put(worker, new long[] {rs.getLong("done"), rs.getLong("failed")});
                    lastSeen.merge(worker, instant(rs.getObject("last_seen", OffsetDateTime.class)), LATER);
                }, OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
        now.keySet().forEach(worker -> lastSeen.putIfAbsent(worker, Instant.now()));
        double minutes = WINDOW.toSeconds() / 60.0;
        return lastSeen.entrySet().stream().map(e -> {
            long[] c = counts.getOrDefault(e.getKey(), new long[2]);
            List<RunningTask> tasks = now.getOrDefault(e.getKey(), List.of()).stream()
                    .sorted(Comparator.comparing(RunningTask::startedAt, Comparator.nullsLast(Comparator.naturalOrder()))).toList();
            return new Process(e.getKey(), e.getValue(), tasks, c[0], c[1], c[0] / minutes, c[1] / minutes);
        }).sorted(Comparator.comparing((Process p) -> -p.running().size()).thenComparing(p -> -p.done() - p.failed())
                .thenComparing(Process::worker)).toList();
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}

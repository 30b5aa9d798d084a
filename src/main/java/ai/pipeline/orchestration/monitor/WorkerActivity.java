package ai.pipeline.orchestration.monitor;

import ai.pipeline.orchestration.engine.Messages.TaskEvent;
import ai.pipeline.orchestration.store.ExecutionStore;
import ai.pipeline.orchestration.store.TaskRow;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * What each worker process did lately and does now. Processes are named as their reports name them
 * ({@code host/pid}). What runs now comes from the workers' STARTED and FINISHED reports on
 * {@code ai.task-results}, which this process follows live (a task shows up once it has run for
 * {@code app.engine.started-report-after}); what they finished and when they were last seen comes
 * from the attempts in the store, so it survives a restart and covers every instance.
 */
@Service
public class WorkerActivity {

    /** Rates are averaged over this window: per minute, steadier than the last minute alone. */
    static final Duration WINDOW = Duration.ofMinutes(5);
    /** A task whose FINISHED report never came (its worker died) is forgotten after this. */
    private static final Duration FORGET_RUNNING = Duration.ofHours(6);

    public record RunningTask(String chainId, String node, String taskId, String task, int attempt, Instant startedAt) {
    }

    public record Process(String worker, Instant lastSeen, List<RunningTask> running, long done, long failed,
                          double donePerMinute, double failedPerMinute) {
    }

    private record Seen(String worker, TaskEvent event) {
    }

    private final JdbcTemplate jdbc;
    private final ExecutionStore store;
    private final JsonMapper json;
    /** chain/node/attempt → the STARTED report of a task not finished yet. */
    private final Cache<String, Seen> running = Caffeine.newBuilder().expireAfterWrite(FORGET_RUNNING).maximumSize(100_000).build();
    /** Attempts whose FINISHED report came: a STARTED report sent just before it may arrive after it. */
    private final Cache<String, Boolean> finished = Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(10))
            .maximumSize(100_000).build();
    private final Map<String, Instant> lastReport = new ConcurrentHashMap<>();

    public WorkerActivity(JdbcTemplate jdbc, ExecutionStore store, JsonMapper json) {
        this.jdbc = jdbc;
        this.store = store;
        this.json = json;
    }

    /** One report from {@code ai.task-results}; one that cannot be read is no activity. */
    void onReport(String body) {
        TaskEvent event;
        try {
            event = json.readValue(body, TaskEvent.class);
        } catch (RuntimeException unreadable) {
            return;
        }
        if (event.worker() == null || event.type() == null) {
            return;
        }
        String key = event.chainId() + "/" + event.node() + "/" + event.attempt();
        lastReport.merge(event.worker(), Instant.now(), (a, b) -> a.isAfter(b) ? a : b);
        if (event.type() == TaskEvent.Type.FINISHED) {
            finished.put(key, true);
            running.invalidate(key);
        } else if (finished.getIfPresent(key) == null) {
            running.put(key, new Seen(event.worker(), event));
        }
    }

    /** Every process seen in the window or running something now, busiest first. */
    public List<Process> processes() {
        Map<String, List<TaskRow>> tasksOfChains = new TreeMap<>();
        running.asMap().values().stream().map(s -> s.event().chainId()).distinct()
                .forEach(chainId -> tasksOfChains.put(chainId, store.findTasks(chainId)));
        Instant since = Instant.now().minus(WINDOW);
        Map<String, long[]> counts = new TreeMap<>();
        Map<String, Instant> lastSeen = new TreeMap<>();
        jdbc.query("SELECT worker, SUM(CASE WHEN outcome = 'SUCCESS' THEN 1 ELSE 0 END) AS done, "
                        + "SUM(CASE WHEN outcome = 'SUCCESS' THEN 0 ELSE 1 END) AS failed, MAX(finished_at) AS last_seen "
                        + "FROM task_attempt WHERE finished_at >= ? AND worker IS NOT NULL GROUP BY worker",
                rs -> {
                    String worker = rs.getString("worker");
                    counts.put(worker, new long[] {rs.getLong("done"), rs.getLong("failed")});
                    lastSeen.put(worker, rs.getObject("last_seen", OffsetDateTime.class).toInstant());
                }, OffsetDateTime.ofInstant(since, ZoneOffset.UTC));
        lastReport.forEach((worker, at) -> lastSeen.merge(worker, at, (a, b) -> a.isAfter(b) ? a : b));
        Map<String, List<RunningTask>> now = new TreeMap<>();
        running.asMap().values().forEach(seen -> now.computeIfAbsent(seen.worker(), w -> new ArrayList<>())
                .add(runningTask(seen.event(), tasksOfChains)));
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

    private static RunningTask runningTask(TaskEvent event, Map<String, List<TaskRow>> tasksOfChains) {
        String name = tasksOfChains.getOrDefault(event.chainId(), List.of()).stream().filter(t -> t.node.equals(event.node()))
                .map(t -> t.name).findFirst().orElse(null);
        return new RunningTask(event.chainId(), event.node(), event.taskId(), name, event.attempt(), event.startedAt());
    }
}

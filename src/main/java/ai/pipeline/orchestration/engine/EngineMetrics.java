package ai.pipeline.orchestration.engine;

import ai.pipeline.orchestration.store.ExecutionStore;
import ai.pipeline.orchestration.store.PipelineStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * The engine's Micrometer meters (Prometheus names in brackets):
 * <ul>
 * <li>{@code ai.pipeline.started} [ai_pipeline_started_total] by pipeline;</li>
 * <li>{@code ai.pipeline.finished} [ai_pipeline_finished_total] and {@code ai.pipeline.duration}
 *     [ai_pipeline_duration_seconds] by pipeline and status;</li>
 * <li>{@code ai.pipeline.in.flight} [ai_pipeline_in_flight] by status (PENDING, RUNNING), from the records;</li>
 * <li>{@code ai.task.finished} [ai_task_finished_total] and {@code ai.task.duration}
 *     [ai_task_duration_seconds] by task and outcome (SUCCESS, FAILURE, RETRY, REVOKED);</li>
 * <li>{@code ai.task.queue.wait} [ai_task_queue_wait_seconds] by task: dispatch to start;</li>
 * <li>{@code ai.engine.group.commit} [ai_engine_group_commit_seconds]: the orchestrator's group commits
 *     (one database transaction each) and how long each took, and {@code ai.engine.group.commit.runs}
 *     [ai_engine_group_commit_runs]: how many runs each stored. Per pipeline, they say what the records cost.</li>
 * </ul>
 * Counted after the transaction that caused them commits, so a rolled-back change counts nothing.
 */
@Component
public class EngineMetrics {

    private final MeterRegistry registry;
    private final Map<PipelineStatus, AtomicLong> inFlight = new ConcurrentHashMap<>();
    private final Timer groupCommits;
    private final DistributionSummary runsPerCommit;
    /** Looked up once per pipeline or task and status: a registry lookup builds the meter's id and tags every time. */
    private final Map<Key, Meters> meters = new ConcurrentHashMap<>();

    public EngineMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (PipelineStatus status : List.of(PipelineStatus.PENDING, PipelineStatus.RUNNING)) {
            AtomicLong value = new AtomicLong();
            inFlight.put(status, value);
            Gauge.builder("ai.pipeline.in.flight", value, AtomicLong::get).tag("status", status.name())
                    .description("pipelines not finished yet").register(registry);
        }
        groupCommits = Timer.builder("ai.engine.group.commit").description("the orchestrator's group commits (one transaction each)")
                .register(registry);
        runsPerCommit = DistributionSummary.builder("ai.engine.group.commit.runs").description("runs stored by one group commit")
                .register(registry);
    }

    void record(List<Outbound.Observation> observations) {
        for (Outbound.Observation o : observations) {
            Meters meters = this.meters.computeIfAbsent(new Key(o.pipeline(), o.name(), o.status()), this::register);
            meters.count().increment();
            if (meters.duration() != null && o.duration() != null) {
                meters.duration().record(o.duration());
            }
            if (meters.queueWait() != null && o.queueWait() != null) {
                meters.queueWait().record(o.queueWait());
            }
        }
    }

    /** A pipeline's or a task's name, and the status an observation reports. */
    private record Key(boolean pipeline, String name, String status) {
    }

    /** The meters an observation of one key updates (null: none of that kind). */
    private record Meters(Counter count, Timer duration, Timer queueWait) {
    }

    private Meters register(Key key) {
        if (key.pipeline() && key.status().equals(PipelineStatus.PENDING.name())) {
            return new Meters(Counter.builder("ai.pipeline.started").tag("pipeline", key.name()).register(registry), null, null);
        }
        if (key.pipeline()) {
            return new Meters(Counter.builder("ai.pipeline.finished").tag("pipeline", key.name()).tag("status", key.status()).register(registry),
                    Timer.builder("ai.pipeline.duration").tag("pipeline", key.name()).tag("status", key.status())
                            .publishPercentileHistogram().register(registry), null);
        }
        return new Meters(Counter.builder("ai.task.finished").tag("task", key.name()).tag("outcome", key.status()).register(registry),
                Timer.builder("ai.task.duration").tag("task", key.name()).tag("outcome", key.status())
                        .publishPercentileHistogram().register(registry),
                Timer.builder("ai.task.queue.wait").tag("task", key.name()).publishPercentileHistogram().register(registry));
    }

    void recordGroupCommit(long nanos, int runs) {
        groupCommits.record(nanos, TimeUnit.NANOSECONDS);
        runsPerCommit.record(runs);
    }

    /** Refreshes the in-flight gauges from the records (called by a timer route). */
    public void refreshInFlight(ExecutionStore store) {
        inFlight.forEach((status, value) -> value.set(store.countHistory(null, status)));
    }
}

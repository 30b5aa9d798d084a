package ai.pipeline.orchestration.engine;

import ai.pipeline.orchestration.canvas.Canvas;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code app.engine.*}: which roles this process plays and how the engine behaves.
 *
 * @param orchestrator       consume task results and advance pipelines in this process
 * @param orchestratorConsumers parallel consumers of {@code ai.task-results} (each owns some partitions)
 * @param workerTasks        task names (or {@code ocr.*}-style patterns) this process runs as a worker; {@code none} for none
 * @param workerConcurrency  tasks of a domain ({@code core}, {@code ocr}, …) this process runs at once, {@code default}
 *                           for the rest
 * @param workerConsumers    Kafka consumers of a domain's task topics in this process, by domain as above; by default
 *                           twice its concurrency, so a task never waits behind another on its consumer's partition
 *                           while a slot is free (see TaskSlots); never fewer than the concurrency. The topics'
 *                           partitions, over all processes, are the ceiling
 * @param joinTimeout        how long a group or chord may take when its canvas gives no {@code timeout_s}
 * @param startedReportAfter a task that runs longer than this reports STARTED (shorter ones go straight to SUCCESS)
 * @param maxNesting         deepest canvas accepted
 * @param maxTasks           most task nodes a canvas may have (for-each items included)
 * @param commitInterval     how long the engine gathers changes into one SQL transaction at most (a run that
 *                           ends, or a client that waits, commits at once)
 * @param timeLimits         default time limits of tasks, by task name, task domain ({@code ocr}) or {@code default}:
 *                           {@code soft} (the task is asked to stop) and {@code hard} (the worker abandons it); a
 *                           canvas step's {@code soft_time_limit_s}/{@code time_limit_s} override them
 * @param advertisedUrl      where the other instances reach this one's REST API while it holds the orchestrator
 *                           lease (e.g. {@code http://10.1.2.3:8080}); empty: its address and HTTP port
 * @param forwardTimeout     how long an instance that does not hold the lease waits for the holder's answer
 *                           to a call it forwarded (upload included)
 * @param claimCheckAbove    a task result or task input larger than this (as JSON) travels as a reference to a file in storage
 *                           ({@link ClaimChecks}); results up to {@code app.storage.max-file-size} are then possible
 * @param workersContinueChains the worker of a chain step sends the next step (a task) itself once it succeeded,
 *                           as Celery's workers do: one Kafka hop per step instead of two (the report still goes to
 *                           the orchestrator, which records it); false: the orchestrator dispatches every step
 * @param fanOutOrderWait    how long a worker holds a free slot for a fan-out's earlier tasks of the same domain
 *                           that have not reached it yet, so a group's or map's tasks start in their order (they
 *                           reach its consumers in any order); 0: a task takes a free slot at once (see TaskSlots)
 */
@ConfigurationProperties("app.engine")
public record EngineSettings(
        @DefaultValue("true") boolean orchestrator,
        @DefaultValue("2") int orchestratorConsumers,
        @DefaultValue("*") List<String> workerTasks,
        Map<String, Integer> workerConcurrency,
        Map<String, Integer> workerConsumers,
        @DefaultValue("1h") Duration joinTimeout,
        @DefaultValue("100ms") Duration startedReportAfter,
        @DefaultValue("10") int maxNesting,
        @DefaultValue("10000") int maxTasks,
        @DefaultValue("20ms") Duration commitInterval,
        Map<String, TimeLimits> timeLimits,
        String advertisedUrl,
        @DefaultValue("30s") Duration forwardTimeout,
        @DefaultValue("1MB") DataSize claimCheckAbove,
        @DefaultValue("true") boolean workersContinueChains,
        @DefaultValue("20ms") Duration fanOutOrderWait) {

    /** A task type's default time limits; a null field: no such limit. */
    public record TimeLimits(Duration soft, Duration hard) {

        Canvas.TimeLimit asLimit() {
            return new Canvas.TimeLimit(soft == null ? null : soft.toMillis(), hard == null ? null : hard.toMillis());
        }
    }

    public EngineSettings {
        workerConcurrency = workerConcurrency == null ? Map.of() : Map.copyOf(workerConcurrency);
        workerConsumers = workerConsumers == null ? Map.of() : Map.copyOf(workerConsumers);
        timeLimits = timeLimits == null ? Map.of() : Map.copyOf(timeLimits);
        timeLimits.forEach((key, limits) -> {
            String problem = limits.asLimit().problem();
            if (problem != null) {
                throw new IllegalArgumentException("app.engine.time-limits." + key + ": " + problem);
            }
        });
    }

    /**
     * The time limits of a step of {@code task} (in {@code domain}): each of the step's own, else the
     * task type's default (by name, then domain, then {@code default}); null fields: no limit.
     */
    public Canvas.TimeLimit timeLimit(String task, String domain, Canvas.TimeLimit step) {
        TimeLimits defaults = timeLimits.getOrDefault(task, timeLimits.getOrDefault(domain, timeLimits.get("default")));
        Canvas.TimeLimit type = defaults == null ? new Canvas.TimeLimit(null, null) : defaults.asLimit();
        if (step == null) {
            return type;
        }
        return new Canvas.TimeLimit(step.softMs() != null ? step.softMs() : type.softMs(),
                step.hardMs() != null ? step.hardMs() : type.hardMs());
    }

    /** Tasks of one domain this process runs at once. */
    public int concurrency(String domain) {
        return workerConcurrency.getOrDefault(domain, workerConcurrency.getOrDefault("default", 2));
    }

    /** Kafka consumers of one domain's task topics in this process: as configured, else twice the concurrency. */
    public int consumers(String domain) {
        Integer configured = workerConsumers.getOrDefault(domain, workerConsumers.get("default"));
        return Math.max(concurrency(domain), configured == null ? 2 * concurrency(domain) : configured);
    }

    /**
     * Task messages a worker consumer takes per poll: many for the built-in tasks (they take
     * microseconds), one for tasks that do real work, so queued work spreads over the consumers.
     */
    public int maxPollRecords(String domain) {
        return domain.equals("core") ? 20 : 1;
    }

    /** Whether this process runs {@code taskName} as a worker. */
    public boolean runsWorker(String taskName) {
        for (String pattern : workerTasks) {
            String p = pattern.trim();
            if (p.equals("*") || p.equals(taskName) || (p.endsWith(".*") && taskName.startsWith(p.substring(0, p.length() - 1)))) {
                return true;
            }
        }
        return false;
    }
}

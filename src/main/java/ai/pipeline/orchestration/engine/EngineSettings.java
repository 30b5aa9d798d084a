package ai.pipeline.orchestration.engine;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code app.engine.*}: which roles this process plays and how the engine behaves.
 *
 * @param orchestrator       consume task results and advance pipelines in this process
 * @param orchestratorConsumers parallel consumers of {@code ai.task-results} (each owns some partitions)
 * @param workerTasks        task names (or {@code ocr.*}-style patterns) this process runs as a worker; {@code none} for none
 * @param workerConcurrency  tasks of one type run at once per worker route
 * @param joinTimeout        how long a group or chord may take when its canvas gives no {@code timeout_s}
 * @param startedReportAfter a task that runs longer than this reports STARTED (shorter ones go straight to SUCCESS)
 * @param maxNesting         deepest canvas accepted
 * @param maxTasks           most task nodes a canvas may have (for-each items included)
 */
@ConfigurationProperties("app.engine")
public record EngineSettings(
        @DefaultValue("true") boolean orchestrator,
        @DefaultValue("4") int orchestratorConsumers,
        @DefaultValue("*") List<String> workerTasks,
        @DefaultValue("8") int workerConcurrency,
        @DefaultValue("1h") Duration joinTimeout,
        @DefaultValue("100ms") Duration startedReportAfter,
        @DefaultValue("10") int maxNesting,
        @DefaultValue("10000") int maxTasks) {

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

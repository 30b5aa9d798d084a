package ai.pipeline.orchestration;

import ai.pipeline.orchestration.canvas.Canvas;
import ai.pipeline.orchestration.canvas.CanvasJson;
import ai.pipeline.orchestration.engine.PipelineEngine;
import ai.pipeline.orchestration.pipelines.PipelineCatalog;
import ai.pipeline.orchestration.pipelines.PipelineInputs;
import ai.pipeline.orchestration.retention.RunDeletion;
import ai.pipeline.orchestration.scheduling.ScheduledRuns;
import ai.pipeline.orchestration.store.FinishedRuns;
import ai.pipeline.orchestration.store.PipelineRow;
import ai.pipeline.shared.task.TaskFailure;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What can be done with a run once it has ended: run it again (a new run with the same canvas and
 * input, linked to it), list its re-runs, delete it. A run that has not ended is a conflict, an
 * unknown one "not found".
 */
@Service
public class FinishedRunService {

    /** How often, and how far apart, a deletion tries again while the engine holds an ended run. */
    private static final int HELD_ATTEMPTS = 40;
    private static final Duration HELD_PAUSE = Duration.ofMillis(50);

    private final PipelineService pipelines;
    private final PipelineCatalog catalog;
    private final PipelineInputs inputs;
    private final CanvasJson canvasJson;
    private final JsonMapper json;
    private final FinishedRuns finishedRuns;
    private final RunDeletion deletion;
    private final ScheduledRuns scheduledRuns;

    public FinishedRunService(PipelineService pipelines, PipelineCatalog catalog, PipelineInputs inputs, CanvasJson canvasJson,
                              JsonMapper json, FinishedRuns finishedRuns, RunDeletion deletion, ScheduledRuns scheduledRuns) {
        this.scheduledRuns = scheduledRuns;
        this.pipelines = pipelines;
        this.catalog = catalog;
        this.inputs = inputs;
        this.canvasJson = canvasJson;
        this.json = json;
        this.finishedRuns = finishedRuns;
        this.deletion = deletion;
    }

    /**
     * Starts a new run of what {@code chainId} ran: the canvas stored with it (for a named pipeline,
     * as it was then, so a re-run repeats the run even after the pipeline changed) and its input,
     * checked again (its input file may be gone). Answered like a start: once the run is stored.
     */
    public PipelineEngine.Started rerun(String chainId, String source) {
        PipelineRow old = finished(chainId, "re-run");
        Canvas canvas;
        try {
            canvas = canvasJson.parse(old.canvas);
        } catch (RuntimeException e) {
            throw conflict("run " + chainId + " cannot be re-run: its stored canvas does not parse (" + e.getMessage() + ")");
        }
        JsonNode input = old.input == null ? null : json.readTree(old.input);
        PipelineEngine.StartRequest request;
        try {
            catalog.find(old.pipeline).ifPresent(definition -> inputs.check(definition, input));
            PipelineEngine.StartRequest checked = pipelines.requestFor(canvas, input, null, source);
            request = new PipelineEngine.StartRequest(old.pipeline, checked.canvas(), checked.input(), null, source)
                    .asRerunOf(chainId);
        } catch (TaskFailure e) {
            if (e.reason().retryable()) {
                throw e;
            }
            throw conflict("run " + chainId + " cannot be re-run: " + e.getMessage());
        }
        return pipelines.start(request);
    }

    /** The runs started as re-runs of this one, oldest first. */
    public List<String> reruns(String chainId) {
        return finishedRuns.reruns(chainId);
    }

    /**
     * Deletes a finished run's records and the files it wrote under storage ({@code normalized/},
     * {@code results/}, {@code annotated/}); its input files stay (re-runs and other runs may use them).
     */
    public RunDeletion.Deleted delete(String chainId) {
        finished(chainId, "deleted");
        if (scheduledRuns.deleteEnded(chainId)) {
            return new RunDeletion.Deleted(List.of(chainId), 0);   // it ended while it waited: it has no tasks or files
        }
        for (int attempt = 1; ; attempt++) {
            finished(chainId, "deleted");
            RunDeletion.Deleted deleted = deletion.delete(List.of(chainId));
            if (!deleted.chainIds().isEmpty()) {
                return deleted;
            }
            // ended, but the engine holds it for a moment (a late report being stored), or it was retried meanwhile
            if (attempt == HELD_ATTEMPTS) {
                throw conflict("run " + chainId + " is being updated (a late task report); try again");
            }
            LockSupport.parkNanos(HELD_PAUSE.toNanos());
        }
    }

    private PipelineRow finished(String chainId, String what) {
        PipelineRow row = pipelines.get(chainId);
        if (!row.status.terminal()) {
            throw conflict("run " + chainId + " is " + row.status + "; only a finished run (SUCCESS, FAILURE, CANCELLED) can be " + what);
        }
        return row;
    }

    private static TaskFailure conflict(String message) {
        return new TaskFailure(TaskFailure.Reason.CONFLICT, message);
    }
}

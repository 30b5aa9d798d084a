package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.FinishedRunService;
import ai.pipeline.orchestration.PipelineService;
import ai.pipeline.orchestration.api.PipelineViews.PipelineView;
import ai.pipeline.orchestration.scheduling.RunCallbacks;
import ai.pipeline.orchestration.scheduling.ScheduledRuns;
import ai.pipeline.orchestration.store.PipelineRow;
import ai.pipeline.orchestration.store.PipelineStatus;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * A run's full record, as {@code GET /api/v1/pipelines/{chain_id}} answers it and as a completion
 * callback posts it: the record with input and result, its re-runs, when it is due (a scheduled run)
 * and its callback's delivery attempts.
 */
@Component
public class RunRecords {

    private final PipelineService pipelines;
    private final FinishedRunService finishedRuns;
    private final ScheduledRuns scheduledRuns;
    private final RunCallbacks callbacks;
    private final JsonMapper json;

    RunRecords(PipelineService pipelines, FinishedRunService finishedRuns, ScheduledRuns scheduledRuns,
               RunCallbacks callbacks, JsonMapper json) {
        this.pipelines = pipelines;
        this.finishedRuns = finishedRuns;
        this.scheduledRuns = scheduledRuns;
        this.callbacks = callbacks;
        this.json = json;
    }

    public PipelineView record(String chainId) {
        PipelineRow row = pipelines.get(chainId);
        return PipelineView.of(row, json, true).withReruns(finishedRuns.reruns(chainId)).withSchedule(
                row.status == PipelineStatus.SCHEDULED ? scheduledRuns.dueAt(chainId).orElse(null) : null,
                callbacks.view(chainId).orElse(null));
    }
}

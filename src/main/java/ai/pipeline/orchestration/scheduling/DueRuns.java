package ai.pipeline.orchestration.scheduling;

import ai.pipeline.orchestration.PipelineService;
import ai.pipeline.orchestration.canvas.CanvasJson;
import ai.pipeline.orchestration.engine.PipelineEngine;
import ai.pipeline.shared.task.TaskFailure;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Starts the scheduled runs that are due, under the chain ids they were given (on the lease holder,
 * from the {@code orchestration-scheduled-runs} timer). Each is claimed first, so a cancel that comes
 * later goes to the engine; a run claimed by an instance that stopped before it was started is
 * started by the next pass (starting a chain id twice starts it once).
 */
@Component
class DueRuns {

    private static final Logger log = LoggerFactory.getLogger(DueRuns.class);
    private static final int BATCH = 100;

    private final ScheduledRuns scheduled;
    private final PipelineService pipelines;
    private final CanvasJson canvasJson;
    private final JsonMapper json;

    DueRuns(ScheduledRuns scheduled, PipelineService pipelines, CanvasJson canvasJson, JsonMapper json) {
        this.scheduled = scheduled;
        this.pipelines = pipelines;
        this.canvasJson = canvasJson;
        this.json = json;
    }

    /** One pass; a transient failure (Kafka or the database away) is thrown, and the route retries it. */
    void startDue() {
        Instant now = Instant.now();
        for (ScheduledRuns.Due due : scheduled.due(now, BATCH)) {
            if (scheduled.claim(due.chainId())) {
                start(due);
            }
        }
    }

    private void start(ScheduledRuns.Due due) {
        try {
            PipelineEngine.Started started = pipelines.start(new PipelineEngine.StartRequest(due.pipeline(),
                    canvasJson.parse(due.canvas()), due.input() == null ? null : json.readTree(due.input()), due.requestId(),
                    due.source()).withChainId(due.chainId()));
            if (!started.chainId().equals(due.chainId())) {
                scheduled.fail(due.chainId(), "not started: its request_id " + due.requestId()
                        + " started run " + started.chainId() + " while this one waited");
                return;
            }
            scheduled.remove(due.chainId());
        } catch (TaskFailure e) {
            if (e.retryable()) {
                throw e;
            }
            log.warn("Scheduled run {} cannot start: {}", due.chainId(), e.getMessage());
            scheduled.fail(due.chainId(), "not started: " + e.getMessage());
        }
    }
}

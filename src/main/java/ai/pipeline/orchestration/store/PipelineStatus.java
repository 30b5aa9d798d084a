package ai.pipeline.orchestration.store;

/**
 * A pipeline's status: PENDING → RUNNING → SUCCESS | FAILURE | CANCELLED; a run started with a countdown
 * or an eta is SCHEDULED (a {@code scheduled_run} row, never an engine run) until it is due.
 */
public enum PipelineStatus {
    /** Waiting for its countdown or eta (see ai.pipeline.orchestration.scheduling); not yet known to the engine. */
    SCHEDULED(false),
    /** Recorded; no task has reported yet. */
    PENDING(false),
    RUNNING(false),
    SUCCESS(true),
    FAILURE(true),
    CANCELLED(true);

    private final boolean terminal;

    PipelineStatus(boolean terminal) {
        this.terminal = terminal;
    }

    public boolean terminal() {
        return terminal;
    }
}

package ai.pipeline.orchestration.store;

/** A pipeline's status: PENDING → RUNNING → SUCCESS | FAILURE | CANCELLED. */
public enum PipelineStatus {
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

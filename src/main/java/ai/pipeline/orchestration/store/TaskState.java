package ai.pipeline.orchestration.store;

/** A task's state, as in Celery: PENDING → STARTED → (RETRY →) SUCCESS | FAILURE | REVOKED. */
public enum TaskState {
    /** Recorded; waiting to run (dispatched once {@code attempt} > 0). */
    PENDING(false),
    STARTED(false),
    /** Failed with a retryable error; the next attempt waits for its backoff. */
    RETRY(false),
    SUCCESS(true),
    FAILURE(true),
    /** Will not run or was stopped: its pipeline was cancelled or failed, or a chord sibling failed fast. */
    REVOKED(true);

    private final boolean terminal;

    TaskState(boolean terminal) {
        this.terminal = terminal;
    }

    public boolean terminal() {
        return terminal;
    }
}

package ai.pipeline.orchestration.store;

import java.time.Instant;

/**
 * A {@code task_execution} row. {@code attempt} is the number of the attempt last dispatched
 * (0: never); {@code queuedAt} is set while an attempt is dispatched, so "PENDING with a queuedAt"
 * means waiting on its topic. {@code worker} is the process (host/pid) whose STARTED report the
 * current attempt got: who runs it now, while it is STARTED.
 */
public final class TaskRow {
    public final String taskId;
    public final String chainId;
    public final String node;
    public final String name;
    public final Instant createdAt;
    public TaskState state;
    public int attempt;
    public int maxAttempts;
    public Instant queuedAt;
    public Instant startedAt;
    public Instant finishedAt;
    public Instant nextAttemptAt;
    public String result;
    public String error;
    public String worker;

    public TaskRow(String taskId, String chainId, String node, String name, Instant createdAt, TaskState state,
                   int attempt, int maxAttempts) {
        this.taskId = taskId;
        this.chainId = chainId;
        this.node = node;
        this.name = name;
        this.createdAt = createdAt;
        this.state = state;
        this.attempt = attempt;
        this.maxAttempts = maxAttempts;
    }

    public boolean dispatched() {
        return queuedAt != null;
    }

    /** The last attempt's outcome is in and the next attempt waits for its backoff (state RETRY until it is dispatched). */
    public boolean waitingToRetry() {
        return state == TaskState.RETRY && nextAttemptAt != null;
    }

    /** A copy of this row as it is now. */
    public TaskRow copy() {
        TaskRow copy = new TaskRow(taskId, chainId, node, name, createdAt, state, attempt, maxAttempts);
        copy.queuedAt = queuedAt;
        copy.startedAt = startedAt;
        copy.finishedAt = finishedAt;
        copy.nextAttemptAt = nextAttemptAt;
        copy.result = result;
        copy.error = error;
        copy.worker = worker;
        return copy;
    }
}

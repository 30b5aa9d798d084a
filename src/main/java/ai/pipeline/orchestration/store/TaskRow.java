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
    /**
     * Whether the current attempt's message was sent on by the worker of the chain step before it
     * (kept in memory only; null: not known, the row was read from the database).
     */
    public Boolean sentOnByWorker;

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

    // ---- state changes (the Advancer decides when; each keeps the row's fields consistent) ----

    /** The next attempt goes to its topic now. */
    public void dispatch(Instant at) {
        attempt++;
        queuedAt = at;
        nextAttemptAt = null;
        worker = null;
        sentOnByWorker = false;
    }

    /** The next attempt was sent to its topic by the worker of the chain step before it. */
    public void sentOn(Instant at) {
        dispatch(at);
        sentOnByWorker = true;
    }

    /** A worker began the current attempt. */
    public void start(Instant at, String byWorker) {
        state = TaskState.STARTED;
        startedAt = at;
        worker = byWorker;
    }

    /** The current attempt's message was taken again by another worker (the first one died): it runs there now. */
    public void moveTo(String byWorker, Instant at) {
        worker = byWorker;
        startedAt = at;
    }

    /** The current attempt's outcome came in: when it ran, where; then one of succeed, retryAt or fail. */
    public void attemptEnded(Instant started, Instant finished, String byWorker) {
        startedAt = started != null ? started : startedAt;
        finishedAt = finished;
        worker = byWorker;
    }

    public void succeed(String resultJson) {
        state = TaskState.SUCCESS;
        result = resultJson;
        error = null;
    }

    /** The attempt failed and the next one waits for its backoff. */
    public void retryAt(Instant next, String why) {
        state = TaskState.RETRY;
        nextAttemptAt = next;
        error = why;
    }

    public void fail(String why) {
        state = TaskState.FAILURE;
        error = why;
    }

    /** Stops for good before it finished (its run failed or was cancelled). */
    public void revoke(Instant at) {
        state = TaskState.REVOKED;
        finishedAt = at;
        nextAttemptAt = null;
    }

    /**
     * Uses up the next attempt without dispatching it: revoked before its dispatch while a worker may
     * still send that attempt on its own (a chain step), so that a later attempt runs after a resume.
     */
    public void skipAttempt() {
        attempt++;
    }

    /**
     * PENDING again for a resumed run, with {@code moreAttempts} on top of those made (attempts go on
     * counting, so their history stays).
     */
    public void resetForResume(int moreAttempts) {
        state = TaskState.PENDING;
        maxAttempts = attempt + moreAttempts;
        result = null;
        error = null;
        queuedAt = null;
        startedAt = null;
        finishedAt = null;
        worker = null;
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
        copy.sentOnByWorker = sentOnByWorker;
        return copy;
    }
}

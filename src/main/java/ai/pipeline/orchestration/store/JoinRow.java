package ai.pipeline.orchestration.store;

import ai.pipeline.orchestration.canvas.ChordPolicy;
import java.time.Instant;

/** A {@code chain_join} row: where a group's members meet. */
public final class JoinRow {

    public enum Status { OPEN, SUCCESS, FAILURE }

    public final String chainId;
    public final String node;
    public final int expected;
    public final ChordPolicy policy;
    public final Instant openedAt;
    public Instant deadline;
    public Status status;
    public String error;
    public Instant completedAt;

    public JoinRow(String chainId, String node, int expected, ChordPolicy policy, Instant deadline, Instant openedAt, Status status) {
        this.chainId = chainId;
        this.node = node;
        this.expected = expected;
        this.policy = policy;
        this.deadline = deadline;
        this.openedAt = openedAt;
        this.status = status;
    }

    /** The join completed: SUCCESS, or FAILURE with {@code failure} when that is not null. */
    public void complete(Instant at, String failure) {
        status = failure == null ? Status.SUCCESS : Status.FAILURE;
        error = failure;
        completedAt = at;
    }

    /** OPEN again (a resumed run runs members below it again), its timeout counted from now. */
    public void reopen(Instant newDeadline) {
        deadline = newDeadline;
        status = Status.OPEN;
        error = null;
        completedAt = null;
    }

    /** A copy of this row as it is now. */
    public JoinRow copy() {
        JoinRow copy = new JoinRow(chainId, node, expected, policy, deadline, openedAt, status);
        copy.error = error;
        copy.completedAt = completedAt;
        return copy;
    }
}

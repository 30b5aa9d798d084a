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

    /** A copy of this row as it is now. */
    public JoinRow copy() {
        JoinRow copy = new JoinRow(chainId, node, expected, policy, deadline, openedAt, status);
        copy.error = error;
        copy.completedAt = completedAt;
        return copy;
    }
}

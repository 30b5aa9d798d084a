package ai.pipeline.orchestration.engine;

import ai.pipeline.orchestration.canvas.ChordPolicy;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the join aggregator keeps per join, as JSON: the fixed member count, the policy, the
 * deadline, and which members settled (true = succeeded). A member reported twice counts once.
 */
public record JoinState(String chainId, String node, int expected, ChordPolicy policy, Instant deadline,
                        Map<Integer, Boolean> members) {

    public JoinState {
        members = new TreeMap<>(members == null ? Map.of() : members);
    }

    static JoinState of(JoinFeed feed) {
        JoinState state = new JoinState(feed.chainId(), feed.node(), feed.expected(), feed.policy(), feed.deadline(), Map.of());
        return state.with(feed);
    }

    JoinState with(JoinFeed feed) {
        if (feed.opening()) {
            return this;
        }
        Map<Integer, Boolean> merged = new TreeMap<>(members);
        merged.put(feed.member(), feed.succeeded());
        return new JoinState(chainId, node, expected, policy, deadline, merged);
    }

    /** Every member settled, or (fail-fast) one failed. */
    boolean complete() {
        return members.size() >= expected || (policy == ChordPolicy.FAIL_FAST && members.containsValue(false));
    }
}

package ai.pipeline.orchestration.engine;

import ai.pipeline.orchestration.canvas.ChordPolicy;
import java.time.Instant;

/**
 * What the join aggregator is told: a join opened (with its fixed member count, policy and
 * deadline), or one member settled. Correlated by {@link #key()}.
 */
public record JoinFeed(String chainId, String node, boolean opening, int expected, ChordPolicy policy, Instant deadline,
                       int member, boolean succeeded) {

    public static JoinFeed open(String chainId, String node, int expected, ChordPolicy policy, Instant deadline) {
        return new JoinFeed(chainId, node, true, expected, policy, deadline, -1, false);
    }

    public static JoinFeed member(String chainId, String node, int expected, ChordPolicy policy, Instant deadline, int member,
                                  boolean succeeded) {
        return new JoinFeed(chainId, node, false, expected, policy, deadline, member, succeeded);
    }

    public String key() {
        return chainId + "/" + node;
    }
}

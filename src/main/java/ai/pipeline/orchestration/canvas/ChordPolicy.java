package ai.pipeline.orchestration.canvas;

import java.util.Locale;
import java.util.Optional;

/** What a chord does when a header member fails. */
public enum ChordPolicy {
    /** The first failure fails the chord at once and revokes the other members; the body never runs. */
    FAIL_FAST,
    /** The body runs once every member has finished, with each member's status and result or error. */
    ALL_SETTLED;

    /** Its text in a canvas and in {@code chain_join.policy}: {@code fail_fast} or {@code all_settled}. */
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The policy {@link #json()} names; empty for any other text. */
    public static Optional<ChordPolicy> fromJson(String text) {
        for (ChordPolicy policy : values()) {
            if (policy.json().equals(text)) {
                return Optional.of(policy);
            }
        }
        return Optional.empty();
    }
}

package ai.pipeline.orchestration.canvas;

/** What a chord does when a header member fails. */
public enum ChordPolicy {
    /** The first failure fails the chord at once and revokes the other members; the body never runs. */
    FAIL_FAST,
    /** The body runs once every member has finished, with each member's status and result or error. */
    ALL_SETTLED;

    public String json() {
        return name().toLowerCase();
    }
}

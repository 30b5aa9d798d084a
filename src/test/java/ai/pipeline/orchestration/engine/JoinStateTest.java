package ai.pipeline.orchestration.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.orchestration.canvas.ChordPolicy;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When the join aggregator's state says a join is complete, per chord policy. */
class JoinStateTest {

    private static final Instant DEADLINE = Instant.parse("2026-12-06T12:00:00Z");

    @Test
    void failFastCompletesAtTheFirstFailure() {
        JoinState state = JoinState.of(JoinFeed.open("c", "0", 3, ChordPolicy.FAIL_FAST, DEADLINE))
                .with(member(ChordPolicy.FAIL_FAST, 3, 0, true));
        assertThat(state.complete()).isFalse();
        assertThat(state.with(member(ChordPolicy.FAIL_FAST, 3, 2, false)).complete()).isTrue();
    }

    @Test
    void allSettledWaitsForEveryMemberEvenAfterAFailure() {
        JoinState state = JoinState.of(JoinFeed.open("c", "0", 2, ChordPolicy.ALL_SETTLED, DEADLINE))
                .with(member(ChordPolicy.ALL_SETTLED, 2, 0, false));
        assertThat(state.complete()).isFalse();
        assertThat(state.with(member(ChordPolicy.ALL_SETTLED, 2, 1, true)).complete()).isTrue();
    }

    @Test
    void aMemberReportedTwiceCountsOnce() {
        JoinState state = JoinState.of(JoinFeed.open("c", "0", 2, ChordPolicy.ALL_SETTLED, DEADLINE))
                .with(member(ChordPolicy.ALL_SETTLED, 2, 1, true))
                .with(member(ChordPolicy.ALL_SETTLED, 2, 1, true));
        assertThat(state.members()).hasSize(1);
        assertThat(state.complete()).isFalse();
    }

    @Test
    void policiesReadBackFromTheirTextOnly() {
        for (ChordPolicy policy : ChordPolicy.values()) {
            assertThat(ChordPolicy.fromJson(policy.json())).contains(policy);
        }
        assertThat(ChordPolicy.fromJson("FAIL_FAST")).isEmpty();
        assertThat(ChordPolicy.fromJson(null)).isEmpty();
    }

    private static JoinFeed member(ChordPolicy policy, int expected, int member, boolean succeeded) {
        return JoinFeed.member("c", "0", expected, policy, DEADLINE, member, succeeded);
    }
}

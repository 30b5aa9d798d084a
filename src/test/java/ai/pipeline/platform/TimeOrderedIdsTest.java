package ai.pipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TimeOrderedIdsTest {

    @Test
    void idsAreVersion7UuidsThatSortByTheirTime() throws InterruptedException {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(TimeOrderedIds.next());
            Thread.sleep(2);
        }
        for (String id : ids) {
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.version()).isEqualTo(7);
            assertThat(uuid.variant()).isEqualTo(2);
            assertThat(id).hasSize(36);
        }
        assertThat(ids).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void anIdFromANameIsTheSameForTheSameNameAndTimeAndStartsWithThatTime() {
        String first = TimeOrderedIds.fromName(1_764_900_000_000L, "ai.pipeline.requests/3/42/1764900000000");
        assertThat(TimeOrderedIds.fromName(1_764_900_000_000L, "ai.pipeline.requests/3/42/1764900000000")).isEqualTo(first);
        assertThat(TimeOrderedIds.fromName(1_764_900_000_000L, "ai.pipeline.requests/3/43/1764900000000")).isNotEqualTo(first);
        assertThat(UUID.fromString(first).getMostSignificantBits() >>> 16).isEqualTo(1_764_900_000_000L);
        assertThat(TimeOrderedIds.fromName(1_764_900_000_001L, "a")).isGreaterThan(TimeOrderedIds.fromName(1_764_900_000_000L, "z"));
    }
}

package ai.pipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TimeOrderedIdsTest {

    @Test
    void taskIdsAreVersion7UuidsThatSortByTheirTimeAndStartWithIt() throws InterruptedException {
        long before = System.currentTimeMillis();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(TimeOrderedIds.next());
            Thread.sleep(2);
        }
        for (String id : ids) {
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.version()).isEqualTo(7);
            assertThat(uuid.variant()).isEqualTo(2);
            assertThat(uuid.getMostSignificantBits() >>> 16).isBetween(before, System.currentTimeMillis());
        }
        assertThat(ids).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void chainIdsMadeOneAfterAnotherSortInThatOrderAndDifferInTheirFirstEightCharacters() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(TimeOrderedIds.nextChainId());
        }
        for (String id : ids) {
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.version()).isEqualTo(8);
            assertThat(uuid.variant()).isEqualTo(2);
        }
        long distinctPrefixes = ids.stream().map(id -> id.substring(0, 8)).distinct().count();
        assertThat(distinctPrefixes).isEqualTo(1000);
        // each id sorts after the one before, except once at most: where the 32-bit microsecond clock wraps (every 71 minutes)
        long outOfOrder = java.util.stream.IntStream.range(1, ids.size()).filter(i -> ids.get(i).compareTo(ids.get(i - 1)) < 0).count();
        assertThat(outOfOrder).isLessThanOrEqualTo(1);
    }

    @Test
    void aChainIdForANameIsAlwaysTheSameAndOrderedByItsTime() {
        String first = TimeOrderedIds.chainIdFor(1_765_000_000_000L, 41, "ai.pipeline.requests/3/41/1765000000000");
        assertThat(TimeOrderedIds.chainIdFor(1_765_000_000_000L, 41, "ai.pipeline.requests/3/41/1765000000000")).isEqualTo(first);
        String sameMillisecond = TimeOrderedIds.chainIdFor(1_765_000_000_000L, 42, "ai.pipeline.requests/3/42/1765000000000");
        String otherPartition = TimeOrderedIds.chainIdFor(1_765_000_000_000L, 41, "ai.pipeline.requests/4/41/1765000000000");
        String later = TimeOrderedIds.chainIdFor(1_765_000_000_001L, 43, "ai.pipeline.requests/3/43/1765000000001");
        assertThat(List.of(first, sameMillisecond, later)).isSorted().doesNotHaveDuplicates();
        assertThat(otherPartition).isNotEqualTo(first).startsWith(first.substring(0, 8));
        assertThat(UUID.fromString(first).version()).isEqualTo(8);
        // the first 32 bits are the microseconds (the offset standing in below the millisecond)
        assertThat(UUID.fromString(first).getMostSignificantBits() >>> 32).isEqualTo((1_765_000_000_000L * 1000 + 41) & 0xFFFF_FFFFL);
    }
}

package ai.pipeline.platform;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

/** Helpers for routes that consume Kafka in batches ({@code batching=true&allowManualCommit=true}). */
public final class KafkaBatches {

    private KafkaBatches() {
    }

    /** The records of a batch: the body of a batching consumer's exchange. */
    @SuppressWarnings("unchecked")
    public static List<Exchange> records(Exchange batch) {
        return batch.getIn().getBody(List.class);
    }

    private static List<KafkaManualCommit> lastPerPartition(List<Exchange> records) {
        Map<String, Exchange> last = new LinkedHashMap<>();
        for (Exchange record : records) {
            last.put(record.getIn().getHeader(KafkaConstants.TOPIC, String.class) + "/"
                    + record.getIn().getHeader(KafkaConstants.PARTITION, String.class), record);
        }
        return last.values().stream()
                .map(r -> r.getIn().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class)).toList();
    }

    /**
     * Offsets committed only once what their records caused is durable elsewhere (the engine's
     * group commit): a consumer thread adds each handled batch with the sequence number that makes
     * it durable, and commits, at its next batch, every earlier batch whose number is reached. Kafka
     * requires commits on the consumer's own thread, hence one queue per thread. After a crash the
     * records since the last commit are read again, which the engine tolerates (it applies them once).
     */
    public static final class DeferredCommits {

        private record Pending(long sequence, List<KafkaManualCommit> commits) {
        }

        private final ThreadLocal<Deque<Pending>> pending = ThreadLocal.withInitial(ArrayDeque::new);
        private final LongSupplier durableSequence;

        public DeferredCommits(LongSupplier durableSequence) {
            this.durableSequence = durableSequence;
        }

        /** Commits (asynchronously) the batches of this thread that are durable now. */
        public void commitDurable() {
            Deque<Pending> queue = pending.get();
            long durable = durableSequence.getAsLong();
            while (!queue.isEmpty() && queue.peekFirst().sequence() <= durable) {
                queue.pollFirst().commits().forEach(KafkaManualCommit::commit);
            }
        }

        /** A handled batch, durable once the engine's sequence reaches {@code sequence}. */
        public void add(long sequence, List<Exchange> records) {
            if (!records.isEmpty()) {
                pending.get().addLast(new Pending(sequence, lastPerPartition(records)));
            }
        }
    }
}

package ai.pipeline.platform;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Helpers for routes that handle Kafka records a poll at a time, committing offsets by hand ({@code allowManualCommit=true}). */
public final class KafkaBatches {

    private static final Logger log = LoggerFactory.getLogger(KafkaBatches.class);

    /** Consumer options of such routes: up to 500 records per poll, offsets committed by the route. */
    public static final String POLLS = "&maxPollRecords=500&allowManualCommit=true&autoCommitEnable=false"
            + "&kafkaManualCommitFactory=#class:org.apache.camel.component.kafka.consumer.DefaultKafkaManualAsyncCommitFactory";

    private KafkaBatches() {
    }

    /**
     * The records of one poll, handled together by a route that consumes record by record. Camel's
     * batching consumer ({@code batching=true}) hands a batch on only after a poll that brought
     * nothing, {@code pollTimeoutMs} later: at 1 ms that added a millisecond to every hop and kept
     * its consumers spinning when idle. A record-by-record consumer marks the last record of each
     * poll, so the poll's records are handled as soon as they are all read. Each consumer thread
     * gathers its own (Camel runs a consumer's records, and their synchronous redeliveries, on its
     * thread); a batch whose handling failed stays gathered, and is handled again whole when Camel
     * redelivers its last record.
     */
    public static final class PollBatches {

        private final ThreadLocal<List<Exchange>> gathered = ThreadLocal.withInitial(ArrayList::new);

        /** Adds the record; at the last record of its poll, hands the poll's records to {@code handler}. */
        public void gather(Exchange record, Consumer<List<Exchange>> handler) {
            List<Exchange> records = gathered.get();
            if (records.isEmpty() || records.get(records.size() - 1) != record) {
                records.add(record);   // a redelivered last record is not added twice
            }
            if (Boolean.TRUE.equals(record.getIn().getHeader(KafkaConstants.LAST_POLL_RECORD, Boolean.class))) {
                handler.accept(List.copyOf(records));
                records.clear();
            }
        }
    }

    /**
     * Commits these offsets (each a handled record's) asynchronously, in one request per consumer:
     * Camel's {@link KafkaManualCommit#commit()} sends one per partition, and under load a poll's
     * records span many partitions, so commits outnumbered every other request the broker served
     * (0.49 per chain3, against 0.37 produce requests). A partition's highest offset wins. Call it
     * on the consumer's own thread, as Kafka requires; a failed commit leaves its records to be
     * read again, which the routes that use this tolerate.
     */
    public static void commitTogether(Collection<KafkaManualCommit> commits) {
        Map<org.apache.kafka.clients.consumer.Consumer<?, ?>, Map<TopicPartition, OffsetAndMetadata>> byConsumer =
                new IdentityHashMap<>();
        for (KafkaManualCommit commit : commits) {
            if (commit instanceof DefaultKafkaManualCommit handled) {
                byConsumer.computeIfAbsent(handled.getConsumer(), consumer -> new HashMap<>()).merge(handled.getPartition(),
                        new OffsetAndMetadata(handled.getRecordOffset() + 1), (a, b) -> a.offset() >= b.offset() ? a : b);
            } else {
                commit.commit();
            }
        }
        byConsumer.forEach((consumer, offsets) -> consumer.commitAsync(offsets, (committed, failure) -> {
            if (failure != null) {
                log.warn("Offsets of {} partition(s) were not committed ({}); their records are read again after a "
                        + "rebalance or restart", offsets.size(), failure.toString());
            }
        }));
    }

    /** Commits (asynchronously) the offsets of these handled records, one request per consumer; see {@link #commitTogether}. */
    public static void commitHandled(List<Exchange> records) {
        commitTogether(lastPerPartition(records));
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
            List<KafkaManualCommit> commits = new ArrayList<>();
            while (!queue.isEmpty() && queue.peekFirst().sequence() <= durable) {
                commits.addAll(queue.pollFirst().commits());
            }
            commitTogether(commits);
        }

        /** A handled batch, durable once the engine's sequence reaches {@code sequence}. */
        public void add(long sequence, List<Exchange> records) {
            if (!records.isEmpty()) {
                pending.get().addLast(new Pending(sequence, lastPerPartition(records)));
            }
        }
    }
}

package ai.pipeline.orchestration.engine;

import ai.pipeline.orchestration.store.OutboxBatch;
import ai.pipeline.orchestration.store.OutboxMessage;
import ai.pipeline.orchestration.store.OutboxStore;
import ai.pipeline.platform.KafkaConnection;
import ai.pipeline.platform.KafkaSettings;
import ai.pipeline.platform.tracing.RunTraceContext;
import ai.pipeline.platform.tracing.Tracing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The relay of the transactional outbox. Messages are written to {@code kafka_outbox} in the same
 * transaction as the state change that caused them (one row per transaction); after commit they are
 * sent here without waiting, and the row is deleted once Kafka acknowledged all of its messages (by the
 * engine's next group commit, in its transaction; {@link #takePublished()}). Rows left behind (Kafka down, a
 * crash) are sent again by {@link #relayPending()}: a message may go out twice, never zero times.
 * Task messages go to a partition chosen from the task id, so a group's members spread over
 * partitions and run in parallel; the record key is always the chain id. With tracing on, a task
 * message carries its run's {@code traceparent} header.
 */
@Component
public class OutboxPublisher implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(OutboxPublisher.class);
    private static final Duration RELAY_AGE = Duration.ofSeconds(10);

    private final OutboxStore outbox;
    private final KafkaProducer<String, String> producer;
    private final int partitions;
    private final Tracing tracing;
    private final ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "outbox-relay");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean kafkaFailing = new AtomicBoolean();
    private final ConcurrentLinkedQueue<OutboxMessage> refusedFirst = new ConcurrentLinkedQueue<>();
    /** Committed batches to send on the relay's thread, in commit order ({@link #publishCommitted}). */
    private final ConcurrentLinkedQueue<OutboxBatch> deferred = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean deferredRoundDue = new AtomicBoolean();
    /** Messages sent first, and those Kafka acknowledged or refused: a commit waits for the second to reach the first. */
    private final AtomicLong sentFirst = new AtomicLong();
    private final AtomicLong settledFirst = new AtomicLong();
    private final Object firstMonitor = new Object();
    private static final Duration FIRST_ACK_WAIT = Duration.ofSeconds(2);
    private volatile FanOutSender fanOutSender;

    /** Sends a group's fan-out ({@link Outbound#FAN_OUT}): Camel's Multicast, one message per member's task topic. */
    interface FanOutSender {
        void send(OutboxMessage fanOut, Runnable onSent, Runnable onRefused);
    }

    public OutboxPublisher(OutboxStore outbox, KafkaConnection kafka, KafkaSettings settings, Tracing tracing) {
        this.outbox = outbox;
        this.tracing = tracing;
        this.partitions = settings.partitions();
        this.producer = new KafkaProducer<>(kafka.clientConfig(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,   // a hop costs ~1.3 ms with 0, ~7 ms with 5 (kafka-clients' default)
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024,
                // a send to a broker that is away waits this long for its metadata, on the group commit's
                // thread or a consumer's: at 10 s it held commits back longer than a client waits for its start
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000)),
                new StringSerializer(), new StringSerializer());
        kafka.beforeStop(this::stopSending);
        // what no group commit took (this instance does not run the orchestrator, or is idle) is deleted here
        housekeeping.scheduleWithFixedDelay(this::deleteAcknowledged, 1, 1, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(this::relayPendingQuietly, 2, 2, TimeUnit.SECONDS);
    }

    /**
     * Sends a committed transaction's messages after the group commit, on its thread while Kafka
     * takes messages. While Kafka is away (or batches wait from then), the batch goes to the relay's
     * thread instead, behind those before it: a send there may wait its max.block for a broker that
     * is away, which on the commit's thread would hold back the next commit and every client waiting
     * for it.
     */
    public void publishCommitted(OutboxBatch batch) {
        if (batch == null) {
            return;
        }
        if (kafkaFailing.get() || !deferred.isEmpty()) {
            deferred.add(batch);
            if (deferredRoundDue.compareAndSet(false, true)) {
                housekeeping.execute(this::publishDeferred);
            }
        } else {
            publish(batch);
        }
    }

    /** Committed batches waiting for the relay's thread (for tests). */
    int deferredBatches() {
        return deferred.size();
    }

    /** Sends deferred batches in order; one that Kafka refuses at once waits for the next round. */
    private void publishDeferred() {
        deferredRoundDue.set(false);
        for (OutboxBatch batch = deferred.peek(); batch != null; batch = deferred.peek()) {
            if (!publish(batch)) {
                return;
            }
            deferred.poll();   // taken off only once sent, so a commit meanwhile queues behind it
        }
    }

    /**
     * Sends a committed transaction's messages in order, without waiting for Kafka. Returns false
     * when Kafka refused one at once (a broker that is away: the send waited its max.block): the
     * rest is not tried, and the batch stays in the outbox for the relay.
     */
    boolean publish(OutboxBatch batch) {
        if (batch == null) {
            return true;
        }
        AtomicInteger unacknowledged = new AtomicInteger(batch.messages().size());
        AtomicBoolean refused = new AtomicBoolean();
        for (OutboxMessage message : batch.messages()) {
            send(message, () -> {
                if (unacknowledged.decrementAndGet() == 0) {
                    acknowledged.add(batch.id());
                }
            }, () -> refused.set(true), () -> { });
            if (refused.get()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Sends a message now, before the state that caused it is committed (the engine's "send first":
     * task messages, and the events of what Kafka replays after a crash): {@link #flushSentFirst()}
     * makes sure every one of them is in Kafka before that commit. One that Kafka refused is kept and
     * sent again there, so a committed change never lacks its message.
     */
    public void sendFirst(OutboxMessage message) {
        sendFirstNow(message);
    }

    /** {@link #sendFirst}; false when Kafka refused the message at once (it is kept to be sent again). */
    private boolean sendFirstNow(OutboxMessage message) {
        sentFirst.incrementAndGet();
        return send(message, this::firstSettled, () -> {
            refusedFirst.add(message);
            firstSettled();
        }, this::firstSettled);
    }

    private void firstSettled() {
        settledFirst.incrementAndGet();
        synchronized (firstMonitor) {
            firstMonitor.notifyAll();
        }
    }

    /**
     * Waits until every message sent first so far is acknowledged, sending again those Kafka refused.
     * Throws (a KafkaException, which the engine waits out) while some are still refused, or when Kafka
     * does not answer within {@link #FIRST_ACK_WAIT}: then it also marks Kafka as failing, so new
     * work is refused at once instead of waiting on a broker that is away.
     */
    public void flushSentFirst() {
        if (kafkaFailing.get() && (settledFirst.get() < sentFirst.get() || !refusedFirst.isEmpty())) {
            // known away: this commit fails now rather than after FIRST_ACK_WAIT (every commit did, for the
            // whole outage); the relay sends the refused ones again off this thread, and an acknowledgement
            // clears kafkaFailing
            throw new org.apache.kafka.common.KafkaException((sentFirst.get() - settledFirst.get() + refusedFirst.size())
                    + " messages sent before their commit are not in Kafka yet; Kafka is unavailable");
        }
        for (int round = 0; round < 3; round++) {
            awaitSettled(sentFirst.get());
            if (refusedFirst.isEmpty()) {
                return;
            }
            List<OutboxMessage> again = new ArrayList<>();
            for (OutboxMessage m = refusedFirst.poll(); m != null; m = refusedFirst.poll()) {
                again.add(m);
            }
            again.forEach(this::sendFirst);
        }
        if (!refusedFirst.isEmpty()) {
            throw new org.apache.kafka.common.KafkaException(refusedFirst.size() + " messages sent before their commit are not in Kafka yet");
        }
    }

    private void awaitSettled(long sent) {
        long deadline = System.nanoTime() + FIRST_ACK_WAIT.toNanos();
        synchronized (firstMonitor) {
            while (settledFirst.get() < sent) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    kafkaFailing.set(true);
                    throw new org.apache.kafka.common.KafkaException((sent - settledFirst.get())
                            + " messages sent before their commit not acknowledged by Kafka within " + FIRST_ACK_WAIT.toSeconds() + " s");
                }
                try {
                    firstMonitor.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new org.apache.kafka.common.KafkaException("interrupted while waiting for Kafka");
                }
            }
        }
    }

    /** True while Kafka refuses our messages; new work is then refused with 503 rather than piled up. */
    public boolean kafkaFailing() {
        return kafkaFailing.get();
    }

    void useFanOut(FanOutSender sender) {
        this.fanOutSender = sender;
    }

    /** Sends without waiting for Kafka's answer; false when Kafka refused the message at once ({@code onRefused} ran). */
    private boolean send(OutboxMessage message, Runnable onAcknowledged, Runnable onRefused, Runnable onTooLarge) {
        if (message.topic().equals(Outbound.FAN_OUT)) {
            if (fanOutSender == null) {
                onRefused.run();   // not an orchestrator: it never dispatches
                return false;
            }
            fanOutSender.send(message, onAcknowledged, onRefused);
            return true;
        }
        Integer partition = message.topic().startsWith(Topics.TASK_PREFIX) && !message.topic().equals(Topics.TASKS_DEAD_LETTER)
                ? Topics.taskPartition(message.payload(), partitions)
                : null;
        ProducerRecord<String, String> record = new ProducerRecord<>(message.topic(), partition, message.key(), message.payload());
        if (partition != null && tracing.on()) {
            record.headers().add(RunTraceContext.TRACEPARENT, tracing.traceparent(message.key()).getBytes(StandardCharsets.US_ASCII));
        }
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    kafkaFailing.set(false);
                    onAcknowledged.run();
                } else if (error instanceof RecordTooLargeException) {
                    // this message's fault, not Kafka's: other work must not be refused because of it
                    onTooLarge.run();
                    log.error("Kafka refused a {} message of {} characters as too large; it stays in the outbox",
                            message.topic(), message.payload().length());
                } else {
                    kafkaFailing.set(true);
                    onRefused.run();
                    log.warn("Kafka did not take a {} message ({}); it is sent again", message.topic(), error.toString());
                }
            });
        } catch (RuntimeException e) {
            kafkaFailing.set(true);
            onRefused.run();
            log.warn("Cannot send to Kafka ({}); it is sent again", e.toString());
            return false;
        }
        return true;
    }

    /** The outbox rows whose messages Kafka acknowledged since the last call: the caller deletes them. */
    public List<Long> takePublished() {
        List<Long> ids = new ArrayList<>();
        for (Long id = acknowledged.poll(); id != null; id = acknowledged.poll()) {
            ids.add(id);
        }
        return ids;
    }

    /** Rows {@link #takePublished()} gave out that could not be deleted then: the next call gives them again. */
    public void deleteLater(List<Long> ids) {
        acknowledged.addAll(ids);
    }

    private void deleteAcknowledged() {
        List<Long> ids = takePublished();
        if (ids.isEmpty()) {
            return;
        }
        try {
            outbox.remove(ids);
        } catch (RuntimeException e) {
            acknowledged.addAll(ids);
            log.warn("Cannot delete published outbox rows yet: {}", e.toString());
        }
    }

    /** Sends again what an earlier attempt or a crashed process left in the outbox. */
    public int relayPending() {
        List<OutboxBatch> pending = outbox.pending(Instant.now().minus(RELAY_AGE), 1000);
        if (!pending.isEmpty()) {
            log.info("Relaying {} unpublished outbox batches", pending.size());
            for (OutboxBatch batch : pending) {
                if (!publish(batch)) {
                    break;   // Kafka is away: the next round tries again, rather than every batch waiting its max.block
                }
            }
            producer.flush();
        }
        return pending.size();
    }

    /** Sends again, on the relay's thread, messages sent first that Kafka refused while it was away. */
    private void sendRefusedFirstAgain() {
        for (int left = refusedFirst.size(); left > 0; left--) {
            OutboxMessage m = refusedFirst.poll();
            if (m == null || !sendFirstNow(m)) {
                return;   // refused at once, after its max.block, and kept again: the next round tries
            }
        }
    }

    private void relayPendingQuietly() {
        try {
            publishDeferred();
            if (kafkaFailing.get()) {
                sendRefusedFirstAgain();
            }
            relayPending();
        } catch (RuntimeException e) {
            log.warn("Outbox relay failed: {}", e.toString());
        }
    }

    /** The relay stops and the producer sends what it holds, while the broker is still there. */
    private void stopSending() {
        housekeeping.shutdown();
        producer.close(Duration.ofSeconds(10));
    }

    @Override
    public void destroy() {
        stopSending();   // again (a no-op) unless the context failed before its Kafka connection ever stopped
        deleteAcknowledged();
    }
}

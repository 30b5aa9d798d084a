package ai.pipeline.orchestration.worker;

import ai.pipeline.orchestration.engine.Topics;
import ai.pipeline.platform.KafkaBatches;
import ai.pipeline.platform.KafkaConnection;
import ai.pipeline.platform.KafkaSettings;
import ai.pipeline.platform.KafkaTopics;
import ai.pipeline.platform.tracing.RunTraceContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The worker's reports to {@code ai.task-results}, sent without waiting and settled once per poll,
 * and the chain steps it sends on ({@link TaskRunner#NEXT_TASK}).
 * <p>
 * Each report goes out as soon as its task is done ({@link #send}); its record's offset is only
 * remembered. At the last record of the poll, or after a task that ran long, {@link #settle} waits
 * until Kafka has acknowledged every report sent since the last settle (sending again any it
 * refused) and only then commits the offsets. A worker that waited for each report's acknowledgement
 * paid one produce round trip per task; this pays one per poll, and the producer batches the reports
 * that queue up while a request is in flight. A kill before the settle re-runs that poll's tasks,
 * whose reports the engine applies once (by task and attempt), as before.
 * <p>
 * A chain's next step, which the worker of the step before sends on, goes out right after its report,
 * without waiting for it: the step's offset is committed once both are acknowledged. The engine takes
 * a next step's report that overtook the report of the step before (Kafka orders records within a
 * partition only) as the news that the step was sent on. A kill before both are in Kafka leaves the
 * offset uncommitted: the step runs again and sends on again; and should that run fail, its report
 * tells the engine, which sends the next step itself.
 * <p>
 * The state is per consumer thread: a Kafka consumer's records are handled one after another on its
 * own thread, and its offsets must be committed there.
 */
@Component
class WorkerReports {

    private static final Logger log = LoggerFactory.getLogger(WorkerReports.class);
    /** Kafka's producer answers within its delivery timeout (2 min); a report not answered by then is sent again. */
    private static final Duration ACK_WAIT = Duration.ofMinutes(3);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    /** A record to send: a report (to {@code ai.task-results}, by key) or a next step (to its task topic and partition). */
    private record Outgoing(String topic, Integer partition, String key, String payload, String traceparent) {
    }

    private record Sent(Outgoing message, CompletableFuture<RecordMetadata> acknowledged) {
    }

    /** Sends a record; the future completes with Kafka's answer. */
    interface Sender {
        CompletableFuture<RecordMetadata> send(ProducerRecord<String, String> record);
    }

    /** What one consumer thread sent and consumed since its last settle. */
    private static final class Unsettled {
        final List<Sent> reports = new ArrayList<>();
        final Map<String, KafkaManualCommit> lastPerPartition = new LinkedHashMap<>();
    }

    private final CamelContext camel;
    private final int partitions;
    private final Supplier<Sender> newSender;
    private final ThreadLocal<Unsettled> unsettled = ThreadLocal.withInitial(Unsettled::new);
    private volatile Sender sender;

    @Autowired
    WorkerReports(CamelContext camel, KafkaConnection kafka, KafkaSettings settings) {
        this(camel, settings.partitions(), () -> kafkaSender(kafka));
    }

    /** {@code newSender}: made at the first send (the broker is up by then). */
    WorkerReports(CamelContext camel, int partitions, Supplier<Sender> newSender) {
        this.camel = camel;
        this.partitions = partitions;
        this.newSender = newSender;
    }

    /**
     * A Kafka producer of its own, not Camel's endpoint: its acknowledgement completes the record's
     * future on the producer's thread, where Camel's producer handed it to a pool thread first, a
     * second thread switch on the way from a report's acknowledgement to the next step's send.
     */
    private static Sender kafkaSender(KafkaConnection kafka) {
        KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.clientConfig(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,   // a hop costs ~1.3 ms with 0, ~7 ms with 5
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, KafkaTopics.MAX_MESSAGE_BYTES)),
                new StringSerializer(), new StringSerializer());
        // closed (what it holds sent) once the worker routes have stopped, before an embedded broker stops
        kafka.beforeStop(() -> producer.close(Duration.ofSeconds(5)));
        return record -> {
            CompletableFuture<RecordMetadata> acknowledged = new CompletableFuture<>();
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    acknowledged.complete(metadata);
                } else {
                    acknowledged.completeExceptionally(error);
                }
            });
            return acknowledged;
        };
    }

    /**
     * Sends the task's report (the body, when there is one) and the next chain step it sends on, without
     * waiting, and remembers the record's offset.
     */
    void send(Exchange record) {
        Unsettled state = unsettled.get();
        String report = record.getIn().getBody(String.class);
        String key = record.getIn().getHeader(KafkaConstants.KEY, String.class);
        if (report != null) {
            Outgoing outgoing = new Outgoing(Topics.RESULTS, null, key, report, null);
            state.reports.add(new Sent(outgoing, produce(outgoing)));
        }
        TaskRunner.NextTask next = record.getProperty(TaskRunner.NEXT_TASK, TaskRunner.NextTask.class);
        if (next != null) {
            Outgoing outgoing = new Outgoing(next.topic(), Topics.taskPartition(next.message(), partitions), key, next.message(),
                    record.getIn().getHeader(RunTraceContext.TRACEPARENT, String.class));
            state.reports.add(new Sent(outgoing, produce(outgoing)));
        }
        KafkaManualCommit commit = record.getIn().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        if (commit != null) {
            state.lastPerPartition.put(record.getIn().getHeader(KafkaConstants.TOPIC, String.class) + "/"
                    + record.getIn().getHeader(KafkaConstants.PARTITION, String.class), commit);
        }
    }

    /** At the poll's last record or after a long task: every report and next step acknowledged, then the offsets committed. */
    void settle(Exchange record) {
        if (Boolean.TRUE.equals(record.getIn().getHeader(KafkaConstants.LAST_POLL_RECORD, Boolean.class))
                || record.getProperty(TaskRunner.RAN_LONG, false, Boolean.class)) {
            settleNow();
        }
    }

    private void settleNow() {
        Unsettled state = unsettled.get();
        awaitAcknowledged(state.reports);
        KafkaBatches.commitTogether(state.lastPerPartition.values());
        state.lastPerPartition.clear();
    }

    /** Waits until Kafka acknowledged every one of {@code sent}, sending again those it refused; empties it. */
    private void awaitAcknowledged(List<Sent> sent) {
        long backoffMs = 200;
        while (true) {
            List<Sent> refused = new ArrayList<>();
            for (Sent one : sent) {
                Throwable failure = failureOf(one.acknowledged());
                if (failure != null) {
                    refused.add(one);
                    log.warn("Kafka refused a record for {} ({}); it is sent again", one.message().topic(), failure.toString());
                }
            }
            sent.clear();
            if (refused.isEmpty()) {
                return;
            }
            if (!camel.isStarted()) {
                // stopping: the offsets stay uncommitted, so these tasks run again after the restart
                sent.addAll(refused);
                throw new KafkaException("task reports not acknowledged before shutdown; their tasks run again");
            }
            sleep(backoffMs);
            backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF.toMillis());
            for (Sent one : refused) {
                sent.add(new Sent(one.message(), produce(one.message())));
            }
        }
    }

    private static Throwable failureOf(CompletableFuture<RecordMetadata> acknowledged) {
        try {
            acknowledged.get(ACK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }

    private CompletableFuture<RecordMetadata> produce(Outgoing message) {
        ProducerRecord<String, String> record = new ProducerRecord<>(message.topic(), message.partition(), message.key(),
                message.payload());
        if (message.traceparent() != null) {
            record.headers().add(RunTraceContext.TRACEPARENT, message.traceparent().getBytes(StandardCharsets.US_ASCII));
        }
        try {
            return sender().send(record);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Sender sender() {
        Sender current = sender;
        if (current == null) {
            synchronized (this) {
                if (sender == null) {
                    sender = newSender.get();
                }
                current = sender;
            }
        }
        return current;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while sending task reports again", e);
        }
    }
}

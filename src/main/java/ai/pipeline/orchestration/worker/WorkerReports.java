package ai.pipeline.orchestration.worker;

import ai.pipeline.orchestration.engine.Topics;
import ai.pipeline.platform.KafkaBatches;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The worker's reports to {@code ai.task-results}, sent without waiting and settled once per poll.
 * <p>
 * Each report goes out as soon as its task is done ({@link #send}); its record's offset is only
 * remembered. At the last record of the poll, or after a task that ran long, {@link #settle} waits
 * until Kafka has acknowledged every report sent since the last settle (sending again any it
 * refused) and only then commits the offsets. A worker that waited for each report's acknowledgement
 * paid one produce round trip per task; this pays one per poll, and the producer batches the reports
 * that queue up while a request is in flight. A kill before the settle re-runs that poll's tasks,
 * whose reports the engine applies once (by task and attempt), as before.
 * <p>
 * The state is per consumer thread: a Kafka consumer's records are handled one after another on its
 * own thread, and its offsets must be committed there.
 */
@Component
class WorkerReports implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(WorkerReports.class);
    /** Kafka's producer answers within its delivery timeout (2 min); a report not answered by then is sent again. */
    private static final Duration ACK_WAIT = Duration.ofMinutes(3);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private record Sent(String report, String key, CompletableFuture<Exchange> acknowledged) {
    }

    /** What one consumer thread sent and consumed since its last settle. */
    private static final class Unsettled {
        final List<Sent> reports = new ArrayList<>();
        final Map<String, KafkaManualCommit> lastPerPartition = new LinkedHashMap<>();
    }

    private final CamelContext camel;
    private final ThreadLocal<Unsettled> unsettled = ThreadLocal.withInitial(Unsettled::new);
    private volatile AsyncProducer producer;

    WorkerReports(CamelContext camel) {
        this.camel = camel;
    }

    /** Sends the task's report (the body, when there is one) without waiting, and remembers the record's offset. */
    void send(Exchange record) {
        Unsettled state = unsettled.get();
        String report = record.getIn().getBody(String.class);
        if (report != null) {
            String key = record.getIn().getHeader(KafkaConstants.KEY, String.class);
            state.reports.add(new Sent(report, key, produce(report, key)));
        }
        KafkaManualCommit commit = record.getIn().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        if (commit != null) {
            state.lastPerPartition.put(record.getIn().getHeader(KafkaConstants.TOPIC, String.class) + "/"
                    + record.getIn().getHeader(KafkaConstants.PARTITION, String.class), commit);
        }
    }

    /** At the poll's last record or after a long task: every report acknowledged, then the offsets committed. */
    void settle(Exchange record) {
        if (Boolean.TRUE.equals(record.getIn().getHeader(KafkaConstants.LAST_POLL_RECORD, Boolean.class))
                || record.getProperty(TaskRunner.RAN_LONG, false, Boolean.class)) {
            settleNow();
        }
    }

    private void settleNow() {
        Unsettled state = unsettled.get();
        long backoffMs = 200;
        while (true) {
            List<Sent> refused = new ArrayList<>();
            for (Sent sent : state.reports) {
                Throwable failure = failureOf(sent.acknowledged());
                if (failure != null) {
                    refused.add(sent);
                    log.warn("Kafka refused a task report ({}); it is sent again", failure.toString());
                }
            }
            state.reports.clear();
            if (refused.isEmpty()) {
                break;
            }
            if (!camel.isStarted()) {
                // stopping: the offsets stay uncommitted, so these tasks run again after the restart
                refused.forEach(sent -> state.reports.add(sent));
                throw new KafkaException("task reports not acknowledged before shutdown; their tasks run again");
            }
            sleep(backoffMs);
            backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF.toMillis());
            for (Sent sent : refused) {
                state.reports.add(new Sent(sent.report(), sent.key(), produce(sent.report(), sent.key())));
            }
        }
        KafkaBatches.commitTogether(state.lastPerPartition.values());
        state.lastPerPartition.clear();
    }

    private static Throwable failureOf(CompletableFuture<Exchange> acknowledged) {
        try {
            Exchange sent = acknowledged.get(ACK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return sent.getException();
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }

    private CompletableFuture<Exchange> produce(String report, String key) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setBody(report);
        exchange.getIn().setHeader(KafkaConstants.KEY, key);
        CompletableFuture<Exchange> acknowledged = new CompletableFuture<>();
        try {
            producer().process(exchange, doneSync -> acknowledged.complete(exchange));
        } catch (RuntimeException e) {
            acknowledged.completeExceptionally(e);
        }
        return acknowledged;
    }

    /** Camel's Kafka producer for the results topic, used asynchronously (its callback completes the report's future). */
    private AsyncProducer producer() {
        AsyncProducer current = producer;
        if (current == null) {
            synchronized (this) {
                if (producer == null) {
                    try {
                        AsyncProducer created = camel.getEndpoint("kafka:" + Topics.RESULTS).createAsyncProducer();
                        ServiceHelper.startService(created);
                        producer = created;
                    } catch (Exception e) {
                        throw new KafkaException("cannot create the task report producer", e);
                    }
                }
                current = producer;
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

    @Override
    public void destroy() {
        ServiceHelper.stopAndShutdownService(producer);
    }
}

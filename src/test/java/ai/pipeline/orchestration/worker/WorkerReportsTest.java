package ai.pipeline.orchestration.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.orchestration.engine.Topics;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * WorkerReports against a stand-in for its Kafka producer (this class's unit test; the real
 * broker is in EngineIT, CrashRecoveryIT and the reliability suite): what it holds is the order —
 * every report acknowledged before any offset is committed.
 */
class WorkerReportsTest {

    /** What happened, in order: "sent <report>", "refused <report>", "commit <partition>". */
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final AtomicInteger refusals = new AtomicInteger();
    private DefaultCamelContext camel;
    private WorkerReports reports;

    @BeforeEach
    void start() {
        camel = new DefaultCamelContext();
        camel.start();
        reports = new WorkerReports(camel, 12, () -> record -> {
            if (refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                log.add("refused " + record.value());
                return CompletableFuture.failedFuture(new KafkaException("not enough replicas"));
            }
            log.add("sent " + record.value() + " key " + record.key()
                    + (record.topic().equals(Topics.RESULTS) ? "" : " to " + record.topic()));
            return CompletableFuture.completedFuture(null);
        });
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    private Exchange record(String report, int partition, boolean lastOfPoll) {
        Exchange record = new DefaultExchange(camel);
        record.getIn().setBody(report);
        record.getIn().setHeader(KafkaConstants.KEY, "chain-" + partition);
        record.getIn().setHeader(KafkaConstants.TOPIC, "ai.tasks.core.echo");
        record.getIn().setHeader(KafkaConstants.PARTITION, partition);
        record.getIn().setHeader(KafkaConstants.LAST_POLL_RECORD, lastOfPoll);
        record.getIn().setHeader(KafkaConstants.MANUAL_COMMIT,
                (org.apache.camel.component.kafka.consumer.KafkaManualCommit) () -> log.add("commit " + partition + " at " + report));
        return record;
    }

    private void handle(Exchange record) {
        reports.send(record);
        reports.settle(record);
    }

    @Test
    void reportsGoOutAtOnceAndThePollsOffsetsAreCommittedOnlyAtItsLastRecordOnePerPartition() {
        handle(record("r1", 0, false));
        handle(record("r2", 0, false));
        assertThat(log).containsExactly("sent r1 key chain-0", "sent r2 key chain-0");
        handle(record("r3", 1, true));
        assertThat(log).containsExactly("sent r1 key chain-0", "sent r2 key chain-0", "sent r3 key chain-1",
                "commit 0 at r2", "commit 1 at r3");
    }

    @Test
    void aRefusedReportIsSentAgainBeforeAnyOffsetIsCommitted() {
        refusals.set(2);
        handle(record("r1", 0, false));
        handle(record("r2", 0, true));
        assertThat(log).containsExactly("refused r1", "refused r2", "sent r1 key chain-0", "sent r2 key chain-0",
                "commit 0 at r2");
    }

    @Test
    void aNextChainStepGoesOutWithItsReportAndBothAreAcknowledgedBeforeTheOffsetIsCommitted() {
        refusals.set(1);   // the report: sent again before the offset is committed
        Exchange first = record("r1", 0, true);
        first.setProperty(TaskRunner.NEXT_TASK, new TaskRunner.NextTask("ai.tasks.core.echo", "t2"));
        handle(first);
        assertThat(log).containsExactly("refused r1", "sent t2 key chain-0 to ai.tasks.core.echo", "sent r1 key chain-0",
                "commit 0 at r1");
    }

    @Test
    void aTaskWithoutAReportIsCommittedWithThePoll() {
        handle(record(null, 3, true));   // a revoked task: nothing to report
        assertThat(log).containsExactly("commit 3 at null");
    }

    @Test
    void whileStoppingARefusedReportLeavesTheOffsetsUncommitted() {
        refusals.set(1);
        reports.send(record("r1", 0, true));
        camel.stop();
        assertThatThrownBy(() -> reports.settle(record("r1", 0, true))).isInstanceOf(KafkaException.class);
        assertThat(log).containsExactly("refused r1");
    }
}

package ai.pipeline.orchestration.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.orchestration.store.OutboxBatch;
import ai.pipeline.orchestration.store.OutboxMessage;
import ai.pipeline.orchestration.store.OutboxStore;
import ai.pipeline.platform.DataDirectory;
import ai.pipeline.platform.KafkaConnection;
import ai.pipeline.platform.KafkaSettings;
import ai.pipeline.platform.tracing.Tracing;
import ai.pipeline.testsupport.FreePorts;
import ai.pipeline.testsupport.MemoryH2;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.KafkaException;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * With no broker at the configured address (a real producer, a real H2 outbox): once Kafka refused
 * a message, a group commit's flush fails at once instead of waiting for acknowledgements and
 * sending again on the commit's thread, and committed batches are queued, in order, for the relay's
 * thread instead of being sent on the caller's.
 */
class OutboxPublisherTest {

    @TempDir
    Path dir;

    @Test
    void whileKafkaIsKnownAwayCommitsFailAtOnceAndBatchesWaitForTheRelay() {
        JdbcDataSource h2 = MemoryH2.create("outbox");
        Flyway.configure().dataSource(h2).locations("classpath:db/migration").load().migrate();
        OutboxStore outbox = new OutboxStore(new JdbcTemplate(h2), JsonMapper.builder().build());
        KafkaSettings nobody = new KafkaSettings("127.0.0.1:" + FreePorts.pick(), 1, (short) 1);
        KafkaConnection kafka = new KafkaConnection(nobody, new DataDirectory(dir));
        kafka.start();
        OutboxPublisher publisher = new OutboxPublisher(outbox, kafka, nobody, Tracing.off());
        try {
            OutboxMessage event = new OutboxMessage(Topics.EVENTS, "chain-1", "{\"n\": 1}");
            publisher.sendFirst(event);   // refused after the producer's max.block: no broker answers
            assertThat(publisher.kafkaFailing()).isTrue();

            // the old path waited for acknowledgements, then sent again here three times over
            assertThatThrownBy(publisher::flushSentFirst).isInstanceOf(KafkaException.class)
                    .hasMessageContaining("Kafka is unavailable");

            publisher.publishCommitted(new OutboxBatch(1, List.of(event)));
            publisher.publishCommitted(new OutboxBatch(2, List.of(event)));
            assertThat(publisher.deferredBatches()).as("batches queued for the relay, none sent or dropped").isEqualTo(2);
        } finally {
            publisher.destroy();
            kafka.stop();
        }
    }
}

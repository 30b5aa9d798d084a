package ai.pipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.platform.KafkaBatches.DeferredCommits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualAsyncCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Offsets of a handled batch are committed only once what it caused is durable, last record per partition. */
class DeferredCommitsTest {

    private final CamelContext camel = new DefaultCamelContext();
    private final List<String> committed = new ArrayList<>();
    private final AtomicLong durable = new AtomicLong();
    private final DeferredCommits commits = new DeferredCommits(durable::get);

    private Exchange record(String topic, int partition, long offset) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setHeader(KafkaConstants.TOPIC, topic);
        exchange.getIn().setHeader(KafkaConstants.PARTITION, partition);
        KafkaManualCommit commit = () -> committed.add(topic + "/" + partition + "@" + offset);
        exchange.getIn().setHeader(KafkaConstants.MANUAL_COMMIT, commit);
        return exchange;
    }

    @Test
    void aBatchIsCommittedOnlyOnceItsSequenceIsDurableAndOnlyItsLastRecordPerPartition() {
        commits.add(3, List.of(record("results", 0, 10), record("results", 1, 4), record("results", 0, 11),
                record("requests", 0, 7)));
        commits.add(5, List.of(record("results", 0, 12)));

        commits.commitDurable();
        assertThat(committed).as("nothing is durable yet").isEmpty();

        durable.set(4);
        commits.commitDurable();
        assertThat(committed).containsExactly("results/0@11", "results/1@4", "requests/0@7");

        commits.commitDurable();
        assertThat(committed).as("a batch is committed once").hasSize(3);

        durable.set(5);
        commits.commitDurable();
        assertThat(committed).endsWith("results/0@12").hasSize(4);
    }

    @Test
    void eachConsumerThreadCommitsOnlyItsOwnBatches() throws InterruptedException {
        commits.add(1, List.of(record("results", 0, 1)));
        durable.set(1);
        Thread other = new Thread(commits::commitDurable);
        other.start();
        other.join();
        assertThat(committed).as("another thread holds none of this thread's batches").isEmpty();

        commits.commitDurable();
        assertThat(committed).containsExactly("results/0@1");
    }

    @Test
    void durableBatchesOfManyPartitionsAreCommittedInOneRequestWithEachPartitionsHighestOffset() {
        List<Map<TopicPartition, OffsetAndMetadata>> requests = new ArrayList<>();
        MockConsumer<String, String> consumer = new MockConsumer<>("earliest") {
            @Override
            public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
                requests.add(Map.copyOf(offsets));
                super.commitAsync(offsets, callback);
            }
        };
        TopicPartition results0 = new TopicPartition("results", 0);
        TopicPartition results1 = new TopicPartition("results", 1);
        consumer.assign(List.of(results0, results1));
        commits.add(1, List.of(handled(consumer, results0, 10), handled(consumer, results1, 4)));
        commits.add(2, List.of(handled(consumer, results0, 12)));

        durable.set(2);
        commits.commitDurable();

        assertThat(requests).as("one commit request for both batches").containsExactly(
                Map.of(results0, new OffsetAndMetadata(13), results1, new OffsetAndMetadata(5)));
        assertThat(consumer.committed(java.util.Set.of(results0, results1))).containsEntry(results0, new OffsetAndMetadata(13));
    }

    /** A record as Camel's consumer hands it over with allowManualCommit: its commit names the consumer, partition and offset. */
    private Exchange handled(MockConsumer<String, String> consumer, TopicPartition partition, long offset) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setHeader(KafkaConstants.TOPIC, partition.topic());
        exchange.getIn().setHeader(KafkaConstants.PARTITION, partition.partition());
        exchange.getIn().setHeader(KafkaConstants.MANUAL_COMMIT, new DefaultKafkaManualAsyncCommit(
                new KafkaManualCommitFactory.CamelExchangePayload(exchange, consumer, "test", null),
                new KafkaManualCommitFactory.KafkaRecordPayload(partition, offset, 1000), null));
        return exchange;
    }
}

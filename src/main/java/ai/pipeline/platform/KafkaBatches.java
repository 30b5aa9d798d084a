package ai.pipeline.platform;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** Commits a handled batch: the last record's offset of every partition it holds. */
    public static void commit(List<Exchange> records) {
        Map<String, Exchange> lastPerPartition = new LinkedHashMap<>();
        for (Exchange record : records) {
            lastPerPartition.put(record.getIn().getHeader(KafkaConstants.PARTITION, String.class), record);
        }
        for (Exchange last : lastPerPartition.values()) {
            last.getIn().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class).commit();
        }
    }
}

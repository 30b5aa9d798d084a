package ai.pipeline.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tails {@code ai.pipeline.events} from its end on a thread of its own and hands every pipeline's
 * terminal event to a listener, stamped the moment it arrived: the benchmarks' stopwatch.
 */
final class PipelineEndEvents implements AutoCloseable {

    /** A pipeline ended: its event, its status and when the event arrived. */
    interface Listener {
        void ended(JsonNode event, String status, long arrivedNanos, Instant arrivedAt);
    }

    private static final Set<String> TERMINAL = Set.of("SUCCESS", "FAILURE", "CANCELLED");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final KafkaConsumer<String, String> consumer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    PipelineEndEvents(String bootstrapServers, Listener listener) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor("ai.pipeline.events").stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        thread = new Thread(() -> {
            while (running.get()) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    long arrivedNanos = System.nanoTime();
                    Instant arrivedAt = Instant.now();
                    JsonNode event = JSON.readTree(record.value());
                    String status = event.path("status").asString();
                    if (event.path("kind").asString().equals("pipeline") && TERMINAL.contains(status)) {
                        listener.ended(event, status, arrivedNanos, arrivedAt);
                    }
                }
            }
        }, "bench-events");
        thread.start();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join();
        consumer.close();
    }
}

package ai.pipeline.orchestration.monitor;

import ai.pipeline.orchestration.engine.Topics;
import ai.pipeline.platform.KafkaConnection;
import ai.pipeline.shared.task.TaskFailure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dead-letter topics' records and their replay. A task's dead letter ({@code ai.tasks.dead-letter})
 * carries the task message that failed for good: replay sends that message to its task topic again,
 * as the same attempt, so a worker runs it once more and the engine, which applies each attempt's
 * result once, ignores the report if that attempt was already settled. The other two hold the refused
 * record itself with the reason in its {@code error} header: replay sends it to the topic it was
 * refused from. Records are read by offset without a consumer group; nothing is removed.
 */
@Service
public class DeadLetters {

    /** Each dead-letter topic and the topic its records are replayed to (empty: the task message's own topic). */
    private static final Map<String, String> REPLAY_TO = Map.of(
            Topics.TASKS_DEAD_LETTER, "",
            Topics.RESULTS_DEAD_LETTER, Topics.RESULTS,
            Topics.REQUESTS_DEAD_LETTER, Topics.REQUESTS);
    static final int PAYLOAD_HEAD_CHARS = 300;
    public static final int MAX_LIMIT = 500;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    public record DeadLetter(String topic, int partition, long offset, Instant at, String key, String reason, String message,
                             String chainId, String node, String task, Integer attempt, String replayTo, String payloadHead,
                             int payloadChars) {
    }

    public record Replayed(String topic, int partition, long offset, String replayedTo, String chainId, String node,
                           Integer attempt) {
    }

    private final KafkaConnection kafka;
    private final ProducerTemplate producer;
    private final JsonMapper json;

    public DeadLetters(KafkaConnection kafka, ProducerTemplate producer, JsonMapper json) {
        this.kafka = kafka;
        this.producer = producer;
        this.json = json;
    }

    public static boolean isDeadLetterTopic(String topic) {
        return REPLAY_TO.containsKey(topic);
    }

    /** The newest {@code limit} records of each dead-letter topic (or of one), newest first. */
    public List<DeadLetter> newest(String onlyTopic, int limit) {
        List<DeadLetter> letters = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            for (String topic : REPLAY_TO.keySet()) {
                if (onlyTopic != null && !onlyTopic.equals(topic)) {
                    continue;
                }
                List<TopicPartition> partitions = consumer.partitionsFor(topic, READ_TIMEOUT).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(partitions);
                Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions, READ_TIMEOUT);
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, READ_TIMEOUT);
                partitions.forEach(tp -> consumer.seek(tp, Math.max(begins.get(tp), ends.get(tp) - limit)));
                for (ConsumerRecord<String, String> record : readUpTo(consumer, ends)) {
                    letters.add(describe(record));
                }
            }
        } catch (TimeoutException e) {
            throw TaskFailure.unavailable("Kafka did not answer: " + e.getMessage());
        }
        return letters.stream().sorted(Comparator.comparing(DeadLetter::at).reversed()).limit(limit).toList();
    }

    /** Sends one dead letter back to where it came from; 404 when there is no such record. */
    public Replayed replay(String topic, int partition, long offset) {
        if (!isDeadLetterTopic(topic)) {
            throw TaskFailure.notFound("not a dead-letter topic: " + topic + " (one of " + REPLAY_TO.keySet() + ")");
        }
        ConsumerRecord<String, String> record = read(topic, partition, offset);
        DeadLetter letter = describe(record);
        if (letter.replayTo() == null) {
            throw TaskFailure.invalidInput("the dead letter at " + topic + "/" + partition + "/" + offset
                    + " holds no task message to replay: " + letter.payloadHead());
        }
        String body = Topics.TASKS_DEAD_LETTER.equals(topic) ? json.readTree(record.value()).path("message").toString() : record.value();
        producer.sendBodyAndHeader("kafka:" + letter.replayTo(), body, KafkaConstants.KEY, record.key());
        return new Replayed(topic, partition, offset, letter.replayTo(), letter.chainId(), letter.node(), letter.attempt());
    }

    private ConsumerRecord<String, String> read(String topic, int partition, long offset) {
        TopicPartition tp = new TopicPartition(topic, partition);
        try (KafkaConsumer<String, String> consumer = consumer()) {
            if (partition < 0 || consumer.partitionsFor(topic, READ_TIMEOUT).stream().noneMatch(p -> p.partition() == partition)) {
                throw TaskFailure.notFound(topic + " has no partition " + partition);
            }
            consumer.assign(List.of(tp));
            long begin = consumer.beginningOffsets(List.of(tp), READ_TIMEOUT).get(tp);
            long end = consumer.endOffsets(List.of(tp), READ_TIMEOUT).get(tp);
            if (offset < begin || offset >= end) {
                throw TaskFailure.notFound(topic + "/" + partition + " has no record at offset " + offset
                        + " (it holds offsets " + begin + " to " + (end - 1) + ")");
            }
            consumer.seek(tp, offset);
            return readUpTo(consumer, Map.of(tp, offset + 1)).stream().filter(r -> r.offset() == offset).findFirst()
                    .orElseThrow(() -> TaskFailure.notFound(topic + "/" + partition + " has no record at offset " + offset));
        } catch (TimeoutException e) {
            throw TaskFailure.unavailable("Kafka did not answer: " + e.getMessage());
        }
    }

    /** Polls until every assigned partition reached its end offset (or the read times out). */
    private static List<ConsumerRecord<String, String>> readUpTo(KafkaConsumer<String, String> consumer,
                                                                 Map<TopicPartition, Long> ends) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        Instant deadline = Instant.now().plus(READ_TIMEOUT);
        while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            if (Instant.now().isAfter(deadline)) {
                throw TaskFailure.unavailable("reading the dead letters took longer than " + READ_TIMEOUT.toSeconds() + " s");
            }
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                    records.add(record);
                }
            }
        }
        return records;
    }

    private DeadLetter describe(ConsumerRecord<String, String> record) {
        String value = record.value() == null ? "" : record.value();
        String reason = "refused";   // the request or report itself was refused; its header says why
        String message = header(record, "error");
        String chainId = record.key();
        String node = null;
        String task = null;
        Integer attempt = null;
        String replayTo = REPLAY_TO.get(record.topic());
        if (Topics.TASKS_DEAD_LETTER.equals(record.topic())) {
            replayTo = null;
            try {
                JsonNode letter = json.readTree(value);
                JsonNode taskMessage = letter.path("message");
                reason = letter.path("error").path("reason").asString(null);
                message = letter.path("error").path("message").asString(null);
                chainId = taskMessage.path("chain_id").asString(chainId);
                node = taskMessage.path("node").asString(null);
                task = taskMessage.path("task").asString(null);
                attempt = taskMessage.path("attempt").isNumber() ? taskMessage.path("attempt").asInt() : null;
                replayTo = task == null ? null : Topics.forTask(task);
            } catch (RuntimeException unreadable) {
                reason = "unreadable";
                message = "not a dead letter's JSON: " + unreadable.getMessage();
            }
        }
        return new DeadLetter(record.topic(), record.partition(), record.offset(), Instant.ofEpochMilli(record.timestamp()),
                record.key(), reason, message, chainId, node, task, attempt, replayTo,
                value.length() > PAYLOAD_HEAD_CHARS ? value.substring(0, PAYLOAD_HEAD_CHARS) : value, value.length());
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private KafkaConsumer<String, String> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }
}

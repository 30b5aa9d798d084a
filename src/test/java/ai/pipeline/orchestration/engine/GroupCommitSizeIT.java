package ai.pipeline.orchestration.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.platform.KafkaConnection;
import ai.pipeline.testsupport.AppTest;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A burst larger than one group commit takes ({@code PipelineEngine.MAX_RUNS_PER_COMMIT}) is stored in
 * several commits, each with the events of its own runs: every run is stored, and its end event is
 * published once, neither lost nor sent twice by the split. A fresh application, so that its commit
 * meters count this burst only.
 */
@AppTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.BEFORE_CLASS)
class GroupCommitSizeIT {

    private static final int RUNS = 1000;

    @Autowired
    KafkaConnection kafka;

    @Autowired
    DataSource dataSource;

    @Autowired
    MeterRegistry meters;

    @Autowired
    JsonMapper json;

    @Test
    void aBurstIsStoredInCommitsOfAtMostTheLimitAndEveryRunsEndIsAnnouncedOnce() {
        String burst = "burst-" + UUID.randomUUID();
        Map<String, Integer> ends = new ConcurrentHashMap<>();
        try (KafkaConsumer<String, String> events = eventsConsumer();
             KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.clientConfig(Map.of(ProducerConfig.LINGER_MS_CONFIG, 5)),
                     new StringSerializer(), new StringSerializer())) {
            events.subscribe(Set.of(Topics.EVENTS));
            events.poll(Duration.ofSeconds(2));   // joined before the burst starts
            for (int i = 0; i < RUNS; i++) {
                String requestId = burst + "-" + i;
                producer.send(new ProducerRecord<>(Topics.REQUESTS, requestId, "{\"canvas\": {\"chain\": [{\"task\": \"core.echo\"}, "
                        + "{\"task\": \"core.echo\"}]}, \"input\": {\"n\": " + i + "}, \"request_id\": \"" + requestId + "\"}"));
            }
            producer.flush();
            await().atMost(Duration.ofMinutes(3)).until(() -> {
                for (ConsumerRecord<String, String> record : events.poll(Duration.ofMillis(200))) {
                    JsonNode event = json.readTree(record.value());
                    if (event.path("kind").asString().equals("pipeline") && event.path("request_id").asString().startsWith(burst)
                            && !event.path("status").asString().equals("PENDING") && !event.path("status").asString().equals("RUNNING")) {
                        ends.merge(event.path("request_id").asString() + " " + event.path("status").asString(), 1, Integer::sum);
                    }
                }
                return ends.size() >= RUNS;
            });
            events.poll(Duration.ofSeconds(1)).forEach(record -> {
                JsonNode event = json.readTree(record.value());
                if (event.path("kind").asString().equals("pipeline") && event.path("request_id").asString().startsWith(burst)) {
                    ends.merge(event.path("request_id").asString() + " " + event.path("status").asString(), 1, Integer::sum);
                }
            });
        }
        assertThat(ends).hasSize(RUNS).allSatisfy((run, count) -> {
            assertThat(run).endsWith(" SUCCESS");
            assertThat(count).as("end events of " + run).isEqualTo(1);
        });
        Integer stored = new JdbcTemplate(dataSource).queryForObject(
                "SELECT COUNT(*) FROM pipeline_execution WHERE request_id LIKE ? AND status = 'SUCCESS'", Integer.class, burst + "-%");
        assertThat(stored).isEqualTo(RUNS);
        DistributionSummary runsPerCommit = meters.get("ai.engine.group.commit.runs").summary();
        assertThat(runsPerCommit.max()).as("the most runs one commit stored").isEqualTo(PipelineEngine.MAX_RUNS_PER_COMMIT);
        assertThat(runsPerCommit.count()).isGreaterThan(RUNS / PipelineEngine.MAX_RUNS_PER_COMMIT);
    }

    private KafkaConsumer<String, String> eventsConsumer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "group-commit-size-it-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        return new KafkaConsumer<>(kafka.clientConfig(config), new StringDeserializer(), new StringDeserializer());
    }
}

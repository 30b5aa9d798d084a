package ai.pipeline.orchestration.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.platform.KafkaConnection;
import ai.pipeline.testsupport.AppTest;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
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
        Map<String, Integer> ends = new ConcurrentHashMap<>();   // filled on the await thread, read on this one
        Set<String> aheadOfRecords = ConcurrentHashMap.newKeySet();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
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
                countEnds(events.poll(Duration.ofMillis(200)), burst, ends, aheadOfRecords, jdbc);
                return ends.size() >= RUNS;
            });
            countEnds(events.poll(Duration.ofSeconds(1)), burst, ends, aheadOfRecords, jdbc);   // an end announced twice would come now
        }
        assertThat(ends).hasSize(RUNS).allSatisfy((run, count) -> {
            assertThat(run).endsWith(" SUCCESS");
            assertThat(count).as("end events of " + run).isEqualTo(1);
        });
        // under load a run's events wait for the commit that stores its change, and a commit of part of the
        // runs sends only their events: were the others' sent with it, hundreds of starts would come before
        // their records. Only while at most LIGHT_LOAD_RUNS runs are held (a first small poll, the burst's
        // tail) do events go first
        assertThat(aheadOfRecords).as("pipeline events seen before their run's record held them")
                .hasSizeLessThanOrEqualTo(2 * PipelineEngine.LIGHT_LOAD_RUNS);
        Integer stored = jdbc.queryForObject(
                "SELECT COUNT(*) FROM pipeline_execution WHERE request_id LIKE ? AND status = 'SUCCESS'", Integer.class, burst + "-%");
        assertThat(stored).isEqualTo(RUNS);
        DistributionSummary runsPerCommit = meters.get("ai.engine.group.commit.runs").summary();
        assertThat(runsPerCommit.max()).as("the most runs one commit stored").isEqualTo(PipelineEngine.MAX_RUNS_PER_COMMIT);
        assertThat(runsPerCommit.count()).isGreaterThan(RUNS / PipelineEngine.MAX_RUNS_PER_COMMIT);
    }

    /**
     * Counts the end events (any status but PENDING and RUNNING) of the burst's runs, by request id and
     * status; notes each pipeline event (start or end) that its run's record had not reached yet when it was read.
     */
    private void countEnds(Iterable<ConsumerRecord<String, String>> records, String burst, Map<String, Integer> ends,
                           Set<String> aheadOfRecords, JdbcTemplate jdbc) {
        for (ConsumerRecord<String, String> record : records) {
            JsonNode event = json.readTree(record.value());
            String status = event.path("status").asString();
            if (!event.path("kind").asString().equals("pipeline") || !event.path("request_id").asString().startsWith(burst)) {
                continue;
            }
            String chainId = event.path("chain_id").asString();
            List<String> stored = jdbc.queryForList("SELECT status FROM pipeline_execution WHERE chain_id = ?", String.class, chainId);
            if (stored.isEmpty() || progress(stored.get(0)) < progress(status)) {
                aheadOfRecords.add(chainId + " " + status);
            }
            if (progress(status) == 2) {
                ends.merge(event.path("request_id").asString() + " " + status, 1, Integer::sum);
            }
        }
    }

    /** How far a run with this status has come: PENDING 0, RUNNING 1, ended 2. */
    private static int progress(String status) {
        return switch (status) {
            case "PENDING" -> 0;
            case "RUNNING" -> 1;
            default -> 2;
        };
    }

    private KafkaConsumer<String, String> eventsConsumer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "group-commit-size-it-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        return new KafkaConsumer<>(kafka.clientConfig(config), new StringDeserializer(), new StringDeserializer());
    }
}

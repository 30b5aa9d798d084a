package ai.pipeline.orchestration.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.platform.KafkaConnection;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.Pipelines;
import ai.pipeline.testsupport.TopicLog;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * When the engine is idle, the events that workers' reports cause are held until their run ends
 * (or the next group commit begins), then go to Kafka together with the end event (docs/engine.md):
 * one send, and one wake-up of each reader, per lone run instead of one per report. The commit
 * interval is long here, so no commit comes between the run's start (committed at once: a REST
 * client waits for it) and its end: the first step's SUCCESS event must reach Kafka after the last
 * step's report, which comes half a second later.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"app.data-dir=target/test-data/${random.uuid}", "app.engine.commit-interval=10s"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class HeldEventsIT {

    @LocalServerPort
    int port;

    @Autowired
    KafkaConnection kafka;

    @Autowired
    JsonMapper json;

    @Test
    void aLoneRunsTaskEventsGoOutWithItsEndEvent() {
        Pipelines pipelines = new Pipelines(new ApiClient(port));
        String chainId = pipelines.run("{\"chain\": [{\"task\": \"core.echo\"}, {\"task\": \"core.sleep\", \"args\": {\"ms\": 500}}]}", "{}");
        await().atMost(Duration.ofSeconds(30)).until(() -> pipelines.pipeline(chainId).path("status").asString().equals("SUCCESS"));

        long lastReport = TopicLog.readRecords(kafka.bootstrapServers(), Topics.RESULTS).stream()
                .filter(r -> chainId.equals(r.key())).mapToLong(ConsumerRecord::timestamp).max().orElseThrow();
        List<ConsumerRecord<String, String>> events = TopicLog.readRecords(kafka.bootstrapServers(), Topics.EVENTS).stream()
                .filter(r -> chainId.equals(r.key())).toList();
        ConsumerRecord<String, String> firstStepDone = events.stream()
                .filter(r -> isEvent(r, "task", "0", "SUCCESS")).findFirst().orElseThrow();
        assertThat(firstStepDone.timestamp()).as("when the first step's SUCCESS event was sent, against the last report")
                .isGreaterThanOrEqualTo(lastReport);
        assertThat(isEvent(events.get(events.size() - 1), "pipeline", null, "SUCCESS"))
                .as("the run's events in their order, its end last: " + events.stream().map(ConsumerRecord::value).toList()).isTrue();
    }

    private boolean isEvent(ConsumerRecord<String, String> record, String kind, String node, String status) {
        JsonNode event = json.readTree(record.value());
        return event.path("kind").asString().equals(kind) && event.path("status").asString().equals(status)
                && (node == null || event.path("node").asString().equals(node));
    }
}

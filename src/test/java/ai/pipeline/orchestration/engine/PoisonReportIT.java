package ai.pipeline.orchestration.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reports on {@code ai.task-results} that the orchestrator cannot use: one that is not a report is
 * set aside on {@code ai.task-results.dead-letter} with its reason; one its records could not hold
 * (a retry would repeat it) fails its own pipeline with the error, and nothing else is announced
 * first, while other pipelines go on.
 */
@AppTest
class PoisonReportIT {

    @LocalServerPort
    int port;

    @Autowired
    ProducerTemplate producer;

    @Autowired
    ConsumerTemplate consumer;

    @Autowired
    JsonMapper json;

    @Test
    void aReportThatCannotBeAppliedFailsItsPipelineOnlyAndOneThatIsNotAReportIsSetAside() {
        ApiClient api = new ApiClient(port);
        // ready: the orchestrator's consumers hold their partitions, so no rebalance hands a refused report to a second
        // consumer before its offset is committed (which would set it aside twice)
        await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/readyz").status() == 200);
        Pipelines pipelines = new Pipelines(api);
        String poisoned = pipelines.run("{\"task\": \"core.sleep\", \"args\": {\"ms\": 3000}}", "{}");
        String healthy = pipelines.run("{\"chain\": [{\"task\": \"core.sleep\", \"args\": {\"ms\": 1500}}, {\"task\": \"core.echo\"}]}", "{}");
        JsonNode task = await().atMost(Duration.ofSeconds(30)).until(() -> pipelines.task(poisoned, "0"),
                t -> t.path("state").asString().equals("STARTED"));

        // a report whose worker name is longer than task_attempt.worker takes: the database refuses it every time
        Map<String, Object> forged = new LinkedHashMap<>();
        forged.put("type", "FINISHED");
        forged.put("chain_id", poisoned);
        forged.put("task_id", task.path("task_id").asString());
        forged.put("node", "0");
        forged.put("attempt", 1);
        forged.put("outcome", "SUCCESS");
        forged.put("result", Map.of("slept_ms", 0));
        forged.put("started_at", Instant.now().toString());
        forged.put("finished_at", Instant.now().toString());
        forged.put("worker", "w".repeat(300));
        producer.sendBodyAndHeader("kafka:" + Topics.RESULTS, "not a report", KafkaConstants.KEY, "garbage");
        producer.sendBodyAndHeader("kafka:" + Topics.RESULTS, "{\"type\": \"FINISHED\"}", KafkaConstants.KEY, "garbage");
        producer.sendBodyAndHeader("kafka:" + Topics.RESULTS, json.writeValueAsString(forged), KafkaConstants.KEY, poisoned);

        // refused before it changes or announces anything: the run is failed from its stored records
        JsonNode failed = await().atMost(Duration.ofSeconds(30)).until(() -> pipelines.pipeline(poisoned),
                run -> run.path("status").asString().equals("FAILURE"));
        assertThat(failed.path("error").asString()).contains("could not apply the report of task 0 (attempt 1)")
                .contains("worker name is longer than 200 characters");
        assertThat(pipelineStatusesAnnounced(poisoned)).as("the poisoned run's pipeline events, up to the first end").endsWith("FAILURE");
        assertThat(pipelines.task(poisoned, "0").path("state").asString()).isEqualTo("REVOKED");
        assertThat(pipelines.awaitEnd(healthy).path("status").asString()).isEqualTo("SUCCESS");

        Exchange notJson = consumer.receive("kafka:" + Topics.RESULTS_DEAD_LETTER + "?groupId=poison-report-it&autoOffsetReset=earliest", 30_000);
        assertThat(notJson).as("the unreadable report on the dead-letter topic").isNotNull();
        assertThat(notJson.getIn().getBody(String.class)).isEqualTo("not a report");
        assertThat(notJson.getIn().getHeader("error", String.class)).isNotBlank();
        Exchange incomplete = consumer.receive("kafka:" + Topics.RESULTS_DEAD_LETTER + "?groupId=poison-report-it&autoOffsetReset=earliest", 30_000);
        assertThat(incomplete).as("the report without its fields on the dead-letter topic").isNotNull();
        assertThat(incomplete.getIn().getBody(String.class)).isEqualTo("{\"type\": \"FINISHED\"}");
        assertThat(incomplete.getIn().getHeader("error", String.class)).isNotBlank();
    }

    /** The statuses of the run's pipeline events on {@code ai.pipeline.events}, in order, up to its end. */
    private List<String> pipelineStatusesAnnounced(String chainId) {
        List<String> statuses = new ArrayList<>();
        String events = "kafka:" + Topics.EVENTS + "?groupId=poison-report-it-events&autoOffsetReset=earliest";
        while (!statuses.contains("FAILURE") && !statuses.contains("SUCCESS")) {
            Exchange record = consumer.receive(events, 30_000);
            assertThat(record).as("the end event of " + chainId).isNotNull();
            JsonNode event = json.readTree(record.getIn().getBody(String.class));
            if (event.path("chain_id").asString().equals(chainId) && event.path("kind").asString().equals("pipeline")) {
                statuses.add(event.path("status").asString());
            }
        }
        return statuses;
    }
}

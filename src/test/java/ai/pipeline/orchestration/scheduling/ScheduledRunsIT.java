package ai.pipeline.orchestration.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.orchestration.engine.OrchestratorLease;
import ai.pipeline.orchestration.engine.Topics;
import ai.pipeline.orchestration.pipelines.TestInputs;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * {@code countdown_s} and {@code eta} on the real application: the run has its chain id at once, is
 * SCHEDULED (its record, the history search) until due, then runs through the engine under that id;
 * cancelled while it waits it ends CANCELLED and never runs; bad values are 400s naming the field.
 */
@AppTest
class ScheduledRunsIT {

    private static final String ECHO = "{\"task\": \"core.echo\"}";

    @LocalServerPort
    int port;

    @Autowired
    Storage storage;

    @Autowired
    ProducerTemplate producer;

    @Autowired
    CamelContext camel;

    ApiClient api;
    Pipelines pipelines;

    @BeforeEach
    void clients() {
        api = new ApiClient(port);
        pipelines = new Pipelines(api);
    }

    private String schedule(String body) {
        ApiClient.Response response = api.postJson("/api/v1/workflows", body);
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        assertThat(response.json().path("data").path("status").asString()).isEqualTo("SCHEDULED");
        return response.json().path("data").path("chain_id").asString();
    }

    private static void assertBadRequest(ApiClient.Response response, String message) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.json().path("success").asBoolean()).isFalse();
        assertThat(response.json().path("error").path("message").asString()).contains(message);
    }

    @Test
    void aRunWithACountdownIsScheduledUntilDueThenRunsUnderItsChainId() {
        String chainId = schedule("{\"canvas\": " + ECHO + ", \"input\": {\"n\": 1}, \"countdown_s\": 1.5}");

        JsonNode waiting = pipelines.pipeline(chainId);
        assertThat(waiting.path("status").asString()).isEqualTo("SCHEDULED");
        assertThat(Instant.parse(waiting.path("scheduled_for").asString())).isAfter(Instant.now().minusSeconds(1));
        assertThat(waiting.path("input").path("n").asInt()).isEqualTo(1);
        JsonNode found = api.get("/api/v1/pipelines/history?status=SCHEDULED&chain_id=" + chainId).json().path("data");
        assertThat(found.path("total").asLong()).isEqualTo(1);
        assertThat(found.path("items").get(0).path("chain_id").asString()).isEqualTo(chainId);

        JsonNode ended = pipelines.awaitEnd(chainId, Duration.ofSeconds(20));
        assertThat(ended.path("status").asString()).isEqualTo("SUCCESS");
        assertThat(ended.path("result").path("input").path("n").asInt()).isEqualTo(1);
        assertThat(ended.has("scheduled_for")).isFalse();
        assertThat(Instant.parse(ended.path("started_at").asString()))
                .isAfterOrEqualTo(Instant.parse(waiting.path("scheduled_for").asString()).truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void aRunWithAnEtaInThePastStartsAtOnceAndARepeatedRequestIdAnswersTheScheduledRun() {
        String now = schedule("{\"canvas\": " + ECHO + ", \"eta\": \"" + Instant.now().plusSeconds(3600) + "\", "
                + "\"request_id\": \"eta-" + UUID.randomUUID() + "\"}");
        String requestId = pipelines.pipeline(now).path("request_id").asString();
        ApiClient.Response again = api.postJson("/api/v1/workflows", "{\"canvas\": " + ECHO + ", \"countdown_s\": 5, "
                + "\"request_id\": \"" + requestId + "\"}");
        assertThat(again.status()).as(again.body()).isEqualTo(202);
        assertThat(again.json().path("data").path("chain_id").asString()).isEqualTo(now);
        assertThat(again.json().path("data").path("existing").asBoolean()).isTrue();
        assertThat(api.delete("/api/v1/pipelines/" + now + "/cancel").status()).isEqualTo(200);

        ApiClient.Response past = api.postJson("/api/v1/workflows", "{\"canvas\": " + ECHO + ", \"eta\": \""
                + Instant.now().minusSeconds(60) + "\"}");
        assertThat(past.status()).as(past.body()).isEqualTo(202);
        assertThat(pipelines.awaitEnd(past.json().path("data").path("chain_id").asString()).path("status").asString())
                .isEqualTo("SUCCESS");
    }

    @Test
    void aScheduledRunCancelledWhileItWaitsEndsCancelledNeverRunsAndCanBeDeleted() throws Exception {
        Path dir = Files.createDirectories(storage.root().resolve("schedule-test"));
        Path image = TestInputs.textPng(dir.resolve(UUID.randomUUID() + ".png"), "Scheduled for later");
        ApiClient.Response started = api.postFile("/api/v1/pipelines/document", image, "countdown_s", "2");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String chainId = started.json().path("data").path("chain_id").asString();
        assertThat(started.json().path("data").path("status").asString()).isEqualTo("SCHEDULED");

        ApiClient.Response cancelled = api.delete("/api/v1/pipelines/" + chainId + "/cancel");
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        assertThat(cancelled.json().path("data").path("status").asString()).isEqualTo("CANCELLED");
        ApiClient.Response twice = api.delete("/api/v1/pipelines/" + chainId + "/cancel");
        assertThat(twice.status()).as(twice.body()).isEqualTo(409);

        // well past its due time: still cancelled, never started
        await().pollDelay(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode record = pipelines.pipeline(chainId);
            assertThat(record.path("status").asString()).isEqualTo("CANCELLED");
            assertThat(record.has("started_at")).isFalse();
        });
        assertThat(pipelines.tasks(chainId)).isEmpty();
        JsonNode listed = api.get("/api/v1/pipelines/history?status=CANCELLED&chain_id=" + chainId).json().path("data");
        assertThat(listed.path("total").asLong()).isEqualTo(1);
        ApiClient.Response retry = api.postJson("/api/v1/pipelines/" + chainId + "/retry", "");
        assertThat(retry.status()).as(retry.body()).isEqualTo(409);
        assertThat(retry.json().path("error").path("message").asString()).contains("never started");
        assertThat(api.delete("/api/v1/pipelines/" + chainId).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/pipelines/" + chainId).status()).isEqualTo(404);
    }

    @Test
    void theHistoryListsWaitingRunsFirstAndPagesAcrossBoth() {
        String source = "rest";
        List<String> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(schedule("{\"canvas\": " + ECHO + ", \"countdown_s\": 3600}"));
        }
        try {
            JsonNode all = api.get("/api/v1/pipelines/history?source=" + source + "&size=200").json().path("data");
            List<String> firstIds = new ArrayList<>();
            all.path("items").forEach(item -> firstIds.add(item.path("chain_id").asString()));
            assertThat(firstIds.subList(0, 3)).containsExactlyInAnyOrderElementsOf(waiting);
            // pages of 2 walk the same list: the scheduled runs, then the engine's runs
            List<String> paged = new ArrayList<>();
            for (int page = 0; page < 3; page++) {
                api.get("/api/v1/pipelines/history?source=" + source + "&size=2&page=" + page).json().path("data").path("items")
                        .forEach(item -> paged.add(item.path("chain_id").asString()));
            }
            assertThat(paged).containsExactlyElementsOf(firstIds.subList(0, Math.min(6, firstIds.size())));
        } finally {
            waiting.forEach(id -> api.delete("/api/v1/pipelines/" + id + "/cancel"));
        }
    }

    @Test
    void aKafkaRequestWithACountdownWaitsThenRunsUnderItsRecordsChainId() {
        String requestId = "kafka-later-" + UUID.randomUUID();
        Instant sent = Instant.now();
        producer.sendBodyAndHeader("kafka:" + Topics.REQUESTS, "{\"canvas\": " + ECHO + ", \"input\": {\"n\": 2}, "
                + "\"countdown_s\": 2, \"request_id\": \"" + requestId + "\"}", KafkaConstants.KEY, requestId);
        JsonNode items = await().atMost(Duration.ofSeconds(20)).until(
                () -> api.get("/api/v1/pipelines/history?request_id=" + requestId).json().path("data").path("items"),
                found -> found.size() == 1);
        String chainId = items.get(0).path("chain_id").asString();
        JsonNode ended = pipelines.awaitEnd(chainId);
        assertThat(ended.path("status").asString()).isEqualTo("SUCCESS");
        assertThat(ended.path("source").asString()).isEqualTo("kafka");
        assertThat(Duration.between(sent, Instant.parse(ended.path("started_at").asString()))).isGreaterThan(Duration.ofMillis(1900));
    }

    @Test
    void theTimersRunOnTheOrchestratorLeaseHolderOnly() {
        for (String id : List.of("orchestration-scheduled-runs", "orchestration-schedules", "orchestration-callbacks",
                "orchestration-scheduling-purge")) {
            assertThat(camel.getRoute(id).getGroup()).as(id).isEqualTo(OrchestratorLease.SINGLETON);
        }
    }

    @Test
    void badCountdownsAndEtasAreRefusedNamingTheField() {
        assertBadRequest(api.postJson("/api/v1/workflows", "{\"canvas\": " + ECHO + ", \"countdown_s\": -1}"), "countdown_s");
        assertBadRequest(api.postJson("/api/v1/workflows", "{\"canvas\": " + ECHO + ", \"countdown_s\": 5, \"eta\": \""
                + Instant.now().plusSeconds(60) + "\"}"), "countdown_s and eta");
        assertBadRequest(api.postJson("/api/v1/workflows", "{\"canvas\": " + ECHO + ", \"eta\": \""
                + Instant.now().plus(Duration.ofDays(400)) + "\"}"), "eta must be at most");
        assertBadRequest(api.postJson("/api/v1/workflows", "{\"canvas\": " + ECHO + ", \"eta\": \"tomorrow\"}"), "eta must be");
        assertBadRequest(api.postJson("/api/v1/workflows", "{\"canvas\": " + ECHO + ", \"countdown_s\": 1e12}"), "countdown_s");
        assertBadRequest(api.postJson("/api/v1/pipelines/document", "{\"document_path\": \"x.png\", \"countdown_s\": -5}"),
                "countdown_s");
        assertBadRequest(api.postJson("/api/v1/pipelines/document-analysis", "{\"document_path\": \"x.png\", \"countdown_s\": \"soon\"}"),
                "soon");
        assertBadRequest(api.postFile("/api/v1/pipelines/document", "a.png", new byte[]{1}, "countdown_s", "-3"), "countdown_s");
    }
}

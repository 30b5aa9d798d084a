package ai.pipeline.orchestration.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.platform.KafkaConnection;
import ai.pipeline.testsupport.TopicLog;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The canvas engine end to end on the real embedded broker and H2, through REST and Kafka. */
@AppTest
class EngineIT {

    @LocalServerPort
    int port;

    @Autowired
    ProducerTemplate producer;

    @Autowired
    ConsumerTemplate consumer;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    JsonMapper json;

    @Autowired
    KafkaConnection kafka;

    ApiClient api;
    Pipelines pipelines;

    @BeforeEach
    void clients() {
        api = new ApiClient(port);
        pipelines = new Pipelines(api);
    }

    @Test
    void chainPassesEachResultToTheNextAndImmutableSignaturesIgnoreIt() {
        String id = pipelines.run("""
                {"chain": [{"task": "core.echo", "args": {"a": 1}},
                           {"task": "core.echo", "args": {"b": 2}},
                           {"task": "core.echo", "args": {"c": 3}, "immutable": true}]}""", "{\"x\": 42}");
        JsonNode pipeline = pipelines.awaitEnd(id);

        assertThat(pipeline.path("status").asString()).isEqualTo("SUCCESS");
        JsonNode second = pipelines.task(id, "1").path("result");
        assertThat(second.path("input").path("input").path("x").asInt()).isEqualTo(42);
        assertThat(second.path("input").path("args").path("a").asInt()).isEqualTo(1);
        assertThat(second.path("args").path("b").asInt()).isEqualTo(2);
        assertThat(pipeline.path("result").path("input").isNull()).isTrue();
        assertThat(pipeline.path("result").path("args").path("c").asInt()).isEqualTo(3);
    }

    @Test
    void eachChainStepsWorkerSendsTheNextStepOnAndTheEngineRecordsItOnce() {
        String id = pipelines.run("""
                {"chain": [{"task": "core.echo"}, {"task": "core.echo"}, {"task": "core.echo"},
                           {"group": [{"task": "core.echo"}, {"task": "core.echo"}]}]}""", "{}");
        assertThat(pipelines.awaitEnd(id).path("status").asString()).isEqualTo("SUCCESS");

        List<JsonNode> reports = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            reports.clear();
            TopicLog.readAll(kafka.bootstrapServers(), Topics.RESULTS).stream()
                    .filter(r -> id.equals(r.path("chain_id").asString()) && r.path("type").asString().equals("FINISHED"))
                    .forEach(reports::add);
            return reports.size() == 5;
        });
        Map<String, JsonNode> byNode = new HashMap<>();
        reports.forEach(r -> byNode.put(r.path("node").asString(), r));
        assertThat(byNode.get("0").path("sent_next").asInt()).isEqualTo(1);
        assertThat(byNode.get("1").path("sent_next").asInt()).isEqualTo(1);
        assertThat(byNode.get("2").has("sent_next")).as("a group comes next: the engine dispatches it").isFalse();
        for (String node : List.of("1", "2")) {
            JsonNode task = pipelines.task(id, node);
            assertThat(task.path("attempt").asInt()).isEqualTo(1);
            assertThat(task.path("attempts").size()).isEqualTo(1);
            assertThat(task.path("queued_at").isMissingNode()).isFalse();
        }
        // one message per step: the engine did not send the steps the workers sent on
        List<String> sent = TopicLog.readAll(kafka.bootstrapServers(), Topics.forTask("core.echo")).stream()
                .filter(m -> id.equals(m.path("chain_id").asString())).map(m -> m.path("node").asString()).toList();
        assertThat(sent).containsExactlyInAnyOrder("0", "1", "2", "3.0", "3.1");
    }

    @Test
    void groupResultsComeInMemberOrderAndMembersRunAtTheSameTime() {
        String id = pipelines.run("""
                {"group": [{"task": "core.sleep", "args": {"ms": 700}},
                           {"task": "core.sleep", "args": {"ms": 700}},
                           {"task": "core.echo", "args": {"third": true}}]}""", "{\"x\": 1}");
        JsonNode pipeline = pipelines.awaitEnd(id);

        assertThat(pipeline.path("status").asString()).isEqualTo("SUCCESS");
        JsonNode result = pipeline.path("result");
        assertThat(result.size()).isEqualTo(3);
        assertThat(result.get(0).path("slept_ms").asInt()).isEqualTo(700);
        assertThat(result.get(1).path("slept_ms").asInt()).isEqualTo(700);
        assertThat(result.get(2).path("args").path("third").asBoolean()).isTrue();
        // the two sleeps overlapped in time: they ran concurrently, not one after the other
        JsonNode first = pipelines.task(id, "0.0");
        JsonNode second = pipelines.task(id, "0.1");
        assertThat(Instant.parse(first.path("started_at").asString()))
                .isBefore(Instant.parse(second.path("finished_at").asString()));
        assertThat(Instant.parse(second.path("started_at").asString()))
                .isBefore(Instant.parse(first.path("finished_at").asString()));
    }

    @Test
    void chordBodyGetsTheHeaderResultsInMemberOrder() {
        String id = pipelines.run("""
                {"chord": {"header": [{"task": "core.sleep", "args": {"ms": 300}},
                                      {"task": "core.echo", "args": {"m": 1}},
                                      {"task": "core.echo", "args": {"m": 2}}],
                           "body": {"task": "core.echo", "args": {"body": true}}}}""", "{\"x\": 1}");
        JsonNode pipeline = pipelines.awaitEnd(id);

        assertThat(pipeline.path("status").asString()).isEqualTo("SUCCESS");
        JsonNode bodyInput = pipeline.path("result").path("input");
        assertThat(bodyInput.size()).isEqualTo(3);
        assertThat(bodyInput.get(0).path("slept_ms").asInt()).isEqualTo(300);
        assertThat(bodyInput.get(1).path("args").path("m").asInt()).isEqualTo(1);
        assertThat(bodyInput.get(2).path("args").path("m").asInt()).isEqualTo(2);
    }

    @Test
    void failFastChordFailsPromptlyRevokesItsSiblingsAndNeverRunsTheBody() {
        String id = pipelines.run("""
                {"chord": {"header": [{"task": "core.sleep", "args": {"ms": 20000}},
                                      {"task": "core.fail", "args": {"retryable": false}}],
                           "body": {"task": "core.echo"}, "policy": "fail_fast", "timeout_s": 120}}""", "{}");
        JsonNode pipeline = pipelines.awaitEnd(id, Duration.ofSeconds(15));

        assertThat(pipeline.path("status").asString()).isEqualTo("FAILURE");
        assertThat(pipeline.path("error").asString()).contains("core.fail").contains("failing on purpose");
        assertThat(pipelines.task(id, "0.h0").path("state").asString()).isEqualTo("REVOKED");
        assertThat(pipelines.task(id, "0.h1").path("state").asString()).isEqualTo("FAILURE");
        JsonNode body = pipelines.task(id, "0.body");
        assertThat(body.path("state").asString()).isEqualTo("REVOKED");
        assertThat(body.path("attempts").size()).isZero();
    }

    @Test
    void allSettledChordHandsTheBodyEachMembersStatus() {
        String id = pipelines.run("""
                {"chord": {"header": [{"task": "core.echo", "args": {"ok": true}},
                                      {"task": "core.fail", "args": {"retryable": false}}],
                           "body": {"task": "core.echo"}, "policy": "all_settled"}}""", "{}");
        JsonNode pipeline = pipelines.awaitEnd(id);

        assertThat(pipeline.path("status").asString()).isEqualTo("SUCCESS");
        JsonNode settled = pipeline.path("result").path("input");
        assertThat(settled.get(0).path("status").asString()).isEqualTo("SUCCESS");
        assertThat(settled.get(0).path("result").path("args").path("ok").asBoolean()).isTrue();
        assertThat(settled.get(1).path("status").asString()).isEqualTo("FAILURE");
        assertThat(settled.get(1).path("error").asString()).contains("failing on purpose");
    }

    @Test
    void chordTimeoutFailsItWithATimeoutError() {
        String id = pipelines.run("""
                {"chord": {"header": [{"task": "core.sleep", "args": {"ms": 15000}}, {"task": "core.echo"}],
                           "body": {"task": "core.echo"}, "timeout_s": 1}}""", "{}");
        JsonNode pipeline = pipelines.awaitEnd(id, Duration.ofSeconds(15));

        assertThat(pipeline.path("status").asString()).isEqualTo("FAILURE");
        assertThat(pipeline.path("error").asString()).contains("timeout").contains("within 1 s").contains("[0]");
        assertThat(pipelines.task(id, "0.h0").path("state").asString()).isEqualTo("REVOKED");
    }

    @Test
    void aStepPastItsTimeLimitsFailsAsTimeLimitAfterItsRetries() {
        // hard: core.sleep is abandoned; soft: it is asked to stop (it checks every 50 ms); both retried once
        String hard = pipelines.run("""
                {"task": "core.sleep", "args": {"ms": 60000}, "time_limit_s": 0.5, "retry": {"max": 2, "backoff_ms": 10}}""", "{}");
        String soft = pipelines.run("""
                {"chain": [{"task": "core.echo"},
                           {"task": "core.sleep", "args": {"ms": 60000}, "soft_time_limit_s": 0.3, "time_limit_s": 30, "retry": {"max": 1}}]}""",
                "{}");

        JsonNode abandoned = pipelines.awaitEnd(hard, Duration.ofSeconds(20));
        assertThat(abandoned.path("status").asString()).isEqualTo("FAILURE");
        assertThat(abandoned.path("error").asString()).contains("time_limit: time limit of 0.5 s reached: core.sleep was abandoned");
        assertThat(pipelines.task(hard, "0").path("attempts").size()).as("retried per its policy").isEqualTo(2);

        JsonNode stopped = pipelines.awaitEnd(soft, Duration.ofSeconds(20));
        assertThat(stopped.path("status").asString()).isEqualTo("FAILURE");
        assertThat(stopped.path("error").asString()).contains("task core.sleep (1) failed: time_limit: soft time limit of 0.3 s reached");
    }

    @Test
    void nestedCanvasChainOfChordWithAChainInItsHeaderWorks() {
        String id = pipelines.run("""
                {"chain": [{"task": "core.echo", "args": {"step": "first"}},
                           {"chord": {"header": [{"task": "core.echo", "args": {"h": 0}},
                                                 {"chain": [{"task": "core.echo", "args": {"h": 1}},
                                                            {"task": "core.echo", "args": {"h": 2}}]}],
                                      "body": {"task": "core.echo", "args": {"body": true}}}},
                           {"task": "core.echo", "args": {"step": "last"}}]}""", "{\"x\": 1}");
        JsonNode pipeline = pipelines.awaitEnd(id);

        assertThat(pipeline.path("status").asString()).isEqualTo("SUCCESS");
        JsonNode body = pipelines.task(id, "1.body").path("result");
        assertThat(body.path("input").get(0).path("args").path("h").asInt()).isZero();
        assertThat(body.path("input").get(1).path("args").path("h").asInt()).isEqualTo(2);
        assertThat(body.path("input").get(1).path("input").path("args").path("h").asInt()).isEqualTo(1);
        assertThat(pipeline.path("result").path("args").path("step").asString()).isEqualTo("last");
        assertThat(pipelines.tasks(id).size()).isEqualTo(6);
    }

    @Test
    void retryableFailureSucceedsOnTheThirdAttemptWithAttemptsVisible() {
        String id = pipelines.run("""
                {"task": "core.fail", "args": {"times": 2}, "retry": {"max": 3, "backoff_ms": 100}}""", "{}");
        JsonNode pipeline = pipelines.awaitEnd(id);

        assertThat(pipeline.path("status").asString()).isEqualTo("SUCCESS");
        assertThat(pipeline.path("result").path("attempt").asInt()).isEqualTo(3);
        JsonNode task = pipelines.task(id, "0");
        assertThat(task.path("attempt").asInt()).isEqualTo(3);
        List<String> outcomes = new ArrayList<>();
        task.path("attempts").forEach(a -> outcomes.add(a.path("outcome").asString()));
        assertThat(outcomes).containsExactly("RETRY", "RETRY", "SUCCESS");
    }

    @Test
    void nonRetryableFailureFailsAtOnceNamingTheTaskAndGoesToTheDeadLetterTopic() {
        String id = pipelines.run("""
                {"chain": [{"task": "core.echo"}, {"task": "core.fail", "args": {"retryable": false}}, {"task": "core.echo"}]}""",
                "{}");
        JsonNode pipeline = pipelines.awaitEnd(id);

        assertThat(pipeline.path("status").asString()).isEqualTo("FAILURE");
        assertThat(pipeline.path("failed_node").asString()).isEqualTo("1");
        assertThat(pipeline.path("error").asString()).contains("core.fail").contains("invalid_input");
        assertThat(pipelines.task(id, "1").path("attempt").asInt()).isEqualTo(1);
        assertThat(pipelines.task(id, "2").path("state").asString()).isEqualTo("REVOKED");
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            String letter = consumer.receiveBody("kafka:" + Topics.TASKS_DEAD_LETTER
                    + "?groupId=engine-it-dlq&autoOffsetReset=earliest", 1000, String.class);
            return letter != null && letter.contains(id);
        });
    }

    @Test
    void retryingAFailedPipelineResumesFromTheFailedTaskReusingWhatSucceeded() {
        String id = pipelines.run("""
                {"chain": [{"task": "core.echo", "args": {"n": 1}},
                           {"task": "core.fail", "args": {"times": 1, "retryable": false}},
                           {"task": "core.echo", "args": {"n": 3}}]}""", "{}");
        assertThat(pipelines.awaitEnd(id).path("status").asString()).isEqualTo("FAILURE");
        String firstFinished = pipelines.task(id, "0").path("finished_at").asString();

        assertThat(api.postJson("/api/v1/pipelines/" + id + "/retry", "").status()).isEqualTo(202);
        JsonNode pipeline = pipelines.awaitEnd(id);

        assertThat(pipeline.path("status").asString()).isEqualTo("SUCCESS");
        assertThat(pipelines.task(id, "0").path("attempt").asInt()).isEqualTo(1);
        assertThat(pipelines.task(id, "0").path("finished_at").asString()).isEqualTo(firstFinished);
        assertThat(pipelines.task(id, "1").path("attempt").asInt()).isEqualTo(2);
        assertThat(api.postJson("/api/v1/pipelines/" + id + "/retry", "").status()).isEqualTo(409);
    }

    @Test
    void retryingFromAChosenTaskRunsItAndTheStepsAfterItAgain() {
        String id = pipelines.run("""
                {"chain": [{"task": "core.echo", "args": {"n": 1}},
                           {"task": "core.fail", "args": {"times": 1, "retryable": false}},
                           {"task": "core.echo", "args": {"n": 3}}]}""", "{}");
        assertThat(pipelines.awaitEnd(id).path("status").asString()).isEqualTo("FAILURE");

        var unknown = api.postJson("/api/v1/pipelines/" + id + "/retry?from=9", "");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("error").path("message").asString()).contains("has no task at node '9'");
        assertThat(api.postJson("/api/v1/pipelines/" + id + "/retry?from=0", "").status()).isEqualTo(202);
        JsonNode pipeline = pipelines.awaitEnd(id);

        assertThat(pipeline.path("status").asString()).isEqualTo("SUCCESS");
        assertThat(pipelines.task(id, "0").path("attempt").asInt()).isEqualTo(2);
        assertThat(pipelines.task(id, "1").path("attempt").asInt()).isEqualTo(2);
        assertThat(pipelines.task(id, "2").path("attempts").size()).as("step 2 ran once (it never ran before)").isEqualTo(1);
    }

    @Test
    void cancelMidChainRevokesTheRestAndNothingRunsAfterIt() {
        String id = pipelines.run("""
                {"chain": [{"task": "core.sleep", "args": {"ms": 3000}}, {"task": "core.echo"}, {"task": "core.echo"}]}""", "{}");
        await().atMost(Duration.ofSeconds(15)).until(() -> pipelines.task(id, "0").path("state").asString().equals("STARTED"));

        ApiClient.Response cancel = api.delete("/api/v1/pipelines/" + id + "/cancel");
        assertThat(cancel.status()).isEqualTo(200);
        assertThat(pipelines.pipeline(id).path("status").asString()).isEqualTo("CANCELLED");
        assertThat(api.delete("/api/v1/pipelines/" + id + "/cancel").status()).isEqualTo(409);

        // the sleeping task stops at its next check and its late report is discarded
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> {
            JsonNode tasks = pipelines.tasks(id);
            for (JsonNode task : tasks) {
                if (!task.path("state").asString().equals("REVOKED") || task.path("attempts").size() > 0) {
                    return false;
                }
            }
            return tasks.size() == 3;
        });
        assertThat(pipelines.task(id, "1").path("queued_at").isMissingNode()).isTrue();
    }

    @Test
    void revokingOneTaskEndsItRevokedAndTheRunGoesOnAsAfterAFailedTask() {
        // an all_settled chord: the revoked member is a failed member, the body still runs
        String chord = pipelines.run("""
                {"chord": {"header": [{"task": "core.sleep", "args": {"ms": 5000}}, {"task": "core.echo", "args": {"ok": true}}],
                           "body": {"task": "core.echo"}, "policy": "all_settled"}}""", "{}");
        await().atMost(Duration.ofSeconds(15)).until(() -> pipelines.task(chord, "0.h0").path("state").asString().equals("STARTED"));
        assertThat(api.postJson("/api/v1/pipelines/" + chord + "/tasks/0.h0/revoke", "{}").status()).isEqualTo(200);
        JsonNode settled = pipelines.awaitEnd(chord);
        assertThat(settled.path("status").asString()).isEqualTo("SUCCESS");
        assertThat(settled.path("result").path("input").get(0).path("status").asString()).isEqualTo("FAILURE");
        assertThat(settled.path("result").path("input").get(0).path("error").asString()).isEqualTo("revoked");
        assertThat(pipelines.task(chord, "0.h0").path("state").asString()).isEqualTo("REVOKED");
        assertThat(settled.path("result").path("input").get(1).path("status").asString()).isEqualTo("SUCCESS");

        // a chain stops at the revoked step, and the run can be retried from it
        String chain = pipelines.run("""
                {"chain": [{"task": "core.sleep", "args": {"ms": 5000}}, {"task": "core.echo"}]}""", "{}");
        await().atMost(Duration.ofSeconds(15)).until(() -> pipelines.task(chain, "0").path("state").asString().equals("STARTED"));
        assertThat(api.postJson("/api/v1/pipelines/" + chain + "/tasks/9/revoke", "{}").status()).as("no task there").isEqualTo(400);
        assertThat(api.postJson("/api/v1/pipelines/" + chain + "/tasks/0/revoke", "{}").status()).isEqualTo(200);
        JsonNode failed = pipelines.awaitEnd(chain);
        assertThat(failed.path("status").asString()).isEqualTo("FAILURE");
        assertThat(failed.path("error").asString()).contains("(0) failed: revoked");
        assertThat(pipelines.task(chain, "0").path("state").asString()).isEqualTo("REVOKED");
        assertThat(pipelines.task(chain, "1").path("state").asString()).isEqualTo("REVOKED");
        ApiClient.Response again = api.postJson("/api/v1/pipelines/" + chain + "/tasks/0/revoke", "{}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.body()).contains("only a task that has not ended can be revoked");
        assertThat(api.postJson("/api/v1/pipelines/no-such-run/tasks/0/revoke", "{}").status()).isEqualTo(404);
    }

    @Test
    void aResultDeliveredTwiceAdvancesThePipelineOnce() throws Exception {
        String id = pipelines.run("""
                {"chain": [{"task": "core.echo"}, {"task": "core.sleep", "args": {"ms": 1500}}]}""", "{}");
        await().atMost(Duration.ofSeconds(15)).until(() -> pipelines.task(id, "0").path("state").asString().equals("SUCCESS"));
        JsonNode first = pipelines.task(id, "0");
        Messages.TaskEvent duplicate = new Messages.TaskEvent(Messages.TaskEvent.Type.FINISHED, id,
                first.path("task_id").asString(), "0", 1, Messages.TaskEvent.Outcome.SUCCESS, first.path("result"), null,
                Instant.parse(first.path("started_at").asString()), Instant.parse(first.path("finished_at").asString()), "test");
        for (int i = 0; i < 3; i++) {
            producer.sendBodyAndHeader("kafka:" + Topics.RESULTS, json.writeValueAsString(duplicate), KafkaConstants.KEY, id);
        }

        assertThat(pipelines.awaitEnd(id).path("status").asString()).isEqualTo("SUCCESS");
        JsonNode sleep = pipelines.task(id, "1");
        assertThat(sleep.path("attempt").asInt()).isEqualTo(1);
        assertThat(sleep.path("attempts").size()).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM task_attempt a JOIN task_execution t ON a.task_id = t.task_id "
                + "WHERE t.chain_id = ?", Integer.class, id)).isEqualTo(2);
        // the whole events topic, read to its end in bulk (the shared application's history grows with the suite)
        List<String> pipelineEvents = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            pipelineEvents.clear();
            TopicLog.readAll(kafka.bootstrapServers(), Topics.EVENTS).stream()
                    .filter(e -> id.equals(e.path("chain_id").asString()) && e.path("kind").asString().equals("pipeline"))
                    .forEach(e -> pipelineEvents.add(e.path("status").asString()));
            return pipelineEvents.contains("SUCCESS");
        });
        assertThat(pipelineEvents).containsExactly("PENDING", "RUNNING", "SUCCESS");
    }

    @Test
    void kafkaRequestsStartPipelinesOnceAndMalformedOnesGoToTheDeadLetterTopic() {
        String requestId = "engine-it-" + UUID.randomUUID();
        String request = "{\"canvas\": {\"task\": \"core.echo\"}, \"input\": {\"via\": \"kafka\"}, \"request_id\": \"" + requestId + "\"}";
        producer.sendBody("kafka:" + Topics.REQUESTS, request);
        producer.sendBody("kafka:" + Topics.REQUESTS, request);
        producer.sendBody("kafka:" + Topics.REQUESTS, "{\"canvas\": {\"task\": \"no.such_task\"}}");

        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM pipeline_execution WHERE request_id = ? AND status = 'SUCCESS'", Integer.class, requestId) == 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Exchange letter = consumer.receive("kafka:" + Topics.REQUESTS_DEAD_LETTER
                    + "?groupId=engine-it-requests-dlq&autoOffsetReset=earliest", 1000);
            return letter != null && letter.getIn().getBody(String.class).contains("no.such_task")
                    && letter.getIn().getHeader("error", String.class).contains("unknown task 'no.such_task'");
        });
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM pipeline_execution WHERE request_id = ?", Integer.class, requestId))
                .isEqualTo(1);
    }

    @Test
    void prometheusShowsPipelineTaskAndCamelRouteMetricsAfterARun() {
        String id = pipelines.run("{\"chain\": [{\"task\": \"core.echo\"}, {\"task\": \"core.echo\"}]}", "{}");
        assertThat(pipelines.awaitEnd(id).path("status").asString()).isEqualTo("SUCCESS");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(api.get("/actuator/prometheus").body())
                .contains("ai_pipeline_started_total{", "pipeline=\"workflow\"")
                .contains("ai_pipeline_finished_total{", "status=\"SUCCESS\"")
                .contains("ai_pipeline_duration_seconds_bucket{")
                .contains("ai_task_finished_total{", "task=\"core.echo\"", "outcome=\"SUCCESS\"")
                .contains("ai_task_duration_seconds_count{")
                .contains("ai_task_queue_wait_seconds_count{")
                .contains("ai_pipeline_in_flight{")
                .contains("ai_kafka_consumer_lag{", "group=\"orchestrator\"")
                .containsPattern("ai_worker_tasks_running\\{[^}]*domain=\"core\"")
                .containsPattern("ai_worker_tasks_waiting\\{[^}]*domain=\"core\""));

        // camel-micrometer's route policy (platform.CamelRouteMetrics) on the engine's routes and on a worker
        // route made from the task-worker template: the names and labels the Grafana dashboard queries
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<String> scrape = api.get("/actuator/prometheus").body().lines().toList();
            for (String route : List.of("orchestration-advance", "worker-core")) {
                assertThat(scrape).as(route)
                        .anyMatch(line -> line.startsWith("camel_exchanges_total{") && line.contains("routeId=\"" + route + "\"")
                                && !line.endsWith(" 0.0"))
                        .anyMatch(line -> line.startsWith("camel_exchanges_failed_total{") && line.contains("routeId=\"" + route + "\""))
                        .anyMatch(line -> line.startsWith("camel_exchanges_failures_handled_total{")
                                && line.contains("routeId=\"" + route + "\""))
                        .anyMatch(line -> line.startsWith("camel_route_policy_seconds_bucket{") && line.contains("routeId=\"" + route + "\"")
                                && line.contains("le=\"0.1\""))
                        .anyMatch(line -> line.startsWith("camel_route_policy_seconds_count{") && line.contains("routeId=\"" + route + "\""))
                        .anyMatch(line -> line.startsWith("camel_route_policy_seconds_sum{") && line.contains("routeId=\"" + route + "\""));
            }
            assertThat(scrape).filteredOn(line -> line.startsWith("camel_"))
                    .allMatch(line -> line.matches(".*routeId=\"(orchestration|worker|ingress|api)-[a-z0-9-]+\".*"))
                    .allSatisfy(line -> assertThat(labelNames(line)).as(line).filteredOn(label -> !label.equals("le"))
                            .containsExactlyInAnyOrder("application", "camelContext", "kind", "eventType", "routeId"));
        });
    }

    /** The label names of a line of the Prometheus text format. */
    private static List<String> labelNames(String line) {
        String labels = line.substring(line.indexOf('{') + 1, line.lastIndexOf('}'));
        return Pattern.compile("(\\w+)=\"(?:\\\\.|[^\"\\\\])*\"").matcher(labels).results()
                .map(match -> match.group(1)).toList();
    }

    @Test
    void unknownIdsAreNotFoundAndInvalidCanvasesNameTheOffendingNode() {
        ApiClient.Response unknown = api.get("/api/v1/pipelines/" + UUID.randomUUID());
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("error").path("code").asString()).isEqualTo("not_found");

        ApiClient.Response unknownTask = api.postJson("/api/v1/workflows",
                "{\"canvas\": {\"chain\": [{\"task\": \"core.echo\"}, {\"group\": [{\"task\": \"ocr.nope\"}]}]}}");
        assertThat(unknownTask.status()).isEqualTo(400);
        assertThat(unknownTask.json().path("error").path("message").asString())
                .contains("$.chain[1].group[0]").contains("unknown task 'ocr.nope'");

        ApiClient.Response emptyGroup = api.postJson("/api/v1/workflows", "{\"canvas\": {\"group\": []}}");
        assertThat(emptyGroup.json().path("error").path("message").asString()).contains("$.group").contains("empty");

        ApiClient.Response badPolicy = api.postJson("/api/v1/workflows",
                "{\"canvas\": {\"chord\": {\"header\": [{\"task\": \"core.echo\"}], \"body\": {\"task\": \"core.echo\"}, \"policy\": \"first\"}}}");
        assertThat(badPolicy.status()).isEqualTo(400);
        assertThat(badPolicy.json().path("error").path("message").asString()).contains("$.chord.policy");

        StringBuilder deep = new StringBuilder("{\"task\": \"core.echo\"}");
        for (int i = 0; i < 12; i++) {
            deep = new StringBuilder("{\"chain\": [" + deep + "]}");
        }
        ApiClient.Response tooDeep = api.postJson("/api/v1/workflows", "{\"canvas\": " + deep + "}");
        assertThat(tooDeep.status()).isEqualTo(400);
        assertThat(tooDeep.json().path("error").path("message").asString()).contains("nested deeper");
    }
}

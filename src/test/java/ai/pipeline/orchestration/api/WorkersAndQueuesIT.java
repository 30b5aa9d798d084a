package ai.pipeline.orchestration.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code GET /api/v1/queues} and {@code /workers} against the running application and its embedded broker. */
@AppTest
class WorkersAndQueuesIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @LocalServerPort
    int port;

    @Test
    void listsEveryTaskTopicWithItsRecordsLagAndConsumersAndThisProcessWithItsRoles() {
        ApiClient api = new ApiClient(port);
        Pipelines pipelines = new Pipelines(api);
        long before = echoQueue(api).path("records").asLong();
        pipelines.awaitEnd(pipelines.run("{\"chain\": [{\"task\": \"core.echo\"}, {\"task\": \"core.echo\"}]}", "{}"));

        JsonNode echo = echoQueue(api);
        assertThat(echo.path("topic").asString()).isEqualTo("ai.tasks.core.echo");
        assertThat(echo.path("domain").asString()).isEqualTo("core");
        assertThat(echo.path("consumer_group").asString()).isEqualTo("worker-core");
        assertThat(echo.path("partitions").asInt()).isEqualTo(12);
        assertThat(echo.path("records").asLong()).as("two more echo tasks dispatched").isGreaterThanOrEqualTo(before + 2);
        assertThat(echo.path("lag").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(echo.path("consumers").asInt()).as("this process's core workers").isPositive();
        List<String> tasks = new ArrayList<>();
        queues(api).forEach(queue -> tasks.add(queue.path("task").asString()));
        assertThat(tasks).contains("core.echo", "core.sleep", "ocr.extract_text", "llm.summarize", "vision.detect_objects");

        ApiClient.Response workers = api.get("/api/v1/workers");
        assertThat(workers.status()).as(workers.body()).isEqualTo(200);
        JsonNode items = workers.json().path("data").path("items");
        assertThat(items).as("this one process's host").isNotEmpty();
        JsonNode self = items.get(0);
        List<String> roles = new ArrayList<>();
        self.path("roles").forEach(role -> roles.add(role.asString()));
        assertThat(roles).contains("orchestrator", "worker-core", "worker-ocr");
        List<String> taskTypes = new ArrayList<>();
        self.path("task_types").forEach(type -> taskTypes.add(type.asString()));
        assertThat(taskTypes).contains("core.echo", "ocr.extract_text");
        assertThat(self.path("consumers").asInt()).isEqualTo(self.path("client_ids").size()).isPositive();
    }

    @Test
    void showsTheTaskAWorkerRunsNowUntilItEnds() {
        ApiClient api = new ApiClient(port);
        Pipelines pipelines = new Pipelines(api);
        String chainId = pipelines.run("{\"task\": \"core.sleep\", \"args\": {\"ms\": 3000}}", "{}");

        // a task shows up once it has run for app.engine.started-report-after and its STARTED report is stored
        JsonNode running = await().atMost(PATIENCE).until(() -> runningTask(api, chainId), task -> task != null);
        assertThat(running.path("task").asString()).isEqualTo("core.sleep");
        assertThat(running.path("node").asString()).isEqualTo("0");
        assertThat(running.path("attempt").asInt()).isEqualTo(1);
        assertThat(running.path("started_at").asString()).isNotBlank();
        JsonNode task = pipelines.task(chainId, "0");
        assertThat(task.path("state").asString()).isEqualTo("STARTED");
        assertThat(task.path("worker").asString()).as("the run's task names the process running it")
                .isEqualTo(running.path("worker").asString());

        pipelines.awaitEnd(chainId);
        // the end may be announced before its group commit stores it (events first when idle): a moment later
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(runningTask(api, chainId)).as("an ended task runs no more").isNull());
    }

    /** The task of this run that some worker process runs now, as GET /api/v1/workers lists it, with that process's name (null: none). */
    private static JsonNode runningTask(ApiClient api, String chainId) {
        ApiClient.Response workers = api.get("/api/v1/workers");
        assertThat(workers.status()).as(workers.body()).isEqualTo(200);
        for (JsonNode process : workers.json().path("data").path("processes")) {
            for (JsonNode task : process.path("running")) {
                if (chainId.equals(task.path("chain_id").asString())) {
                    assertThat(process.path("worker").asString()).as("host/pid").contains("/");
                    return ((ObjectNode) task.deepCopy()).put("worker", process.path("worker").asString());
                }
            }
        }
        return null;
    }

    private static JsonNode echoQueue(ApiClient api) {
        // consumers join their groups while the application starts: wait until the echo workers hold the topic
        return await().atMost(PATIENCE).until(() -> {
            for (JsonNode queue : queues(api)) {
                if ("core.echo".equals(queue.path("task").asString())) {
                    return queue;
                }
            }
            return null;
        }, queue -> queue != null && queue.path("consumers").asInt() > 0);
    }

    private static JsonNode queues(ApiClient api) {
        ApiClient.Response response = api.get("/api/v1/queues");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().path("data").path("items");
    }
}

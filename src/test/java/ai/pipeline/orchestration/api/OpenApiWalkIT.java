package ai.pipeline.orchestration.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.orchestration.pipelines.TestInputs;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Walks the OpenAPI document and calls every operation it lists — every path, method and request
 * content type — with a sensible example, expecting the status the example should get, which the
 * document must list for that operation. An operation added without an example here fails the test.
 */
@AppTest
class OpenApiWalkIT {

    @LocalServerPort
    int port;

    @TempDir
    Path tmp;

    /** An example call and the status it should answer. */
    private record Call(int expected, Supplier<ApiClient.Response> send) {
    }

    @Test
    void everyDocumentedOperationAnswersWithADocumentedStatusAndNeverA5xx() throws Exception {
        ApiClient api = new ApiClient(port);
        Pipelines pipelines = new Pipelines(api);
        await().atMost(Duration.ofSeconds(60)).until(() -> "UP".equals(api.get("/actuator/health").json()
                .path("components").path("vision").path("status").asString()));
        JsonNode document = api.get("/v3/api-docs").json();
        assertThat(document.path("openapi").asString()).startsWith("3.");

        byte[] png = Files.readAllBytes(TestInputs.textPng(tmp.resolve("invoice.png"), "Invoice 42: total due in thirty days."));
        String image = api.postFile("/api/v1/files", "invoice.png", png).json().path("data").path("path").asString();
        String done = pipelines.run("{\"task\": \"core.echo\"}", "{}");
        String failed = pipelines.run("{\"task\": \"core.fail\", \"args\": {\"times\": 1, \"retryable\": false}}", "{}");
        String aiRun = start(api, "/api/v1/pipelines/ai-pipeline", "{\"image_path\": \"" + image + "\"}");
        String deletable = pipelines.run("{\"task\": \"core.echo\"}", "{}");
        pipelines.awaitEnd(done);
        pipelines.awaitEnd(failed);
        pipelines.awaitEnd(deletable);
        String path = "{\"path\": \"" + image + "\"}";
        String documentPath = "{\"document_path\": \"" + image + "\"}";
        String imagePath = "{\"image_path\": \"" + image + "\"}";

        Map<String, Call> calls = new LinkedHashMap<>();
        calls.put("GET /api/v1/pipelines", new Call(200, () -> api.get("/api/v1/pipelines")));
        calls.put("GET /api/v1/tasks", new Call(200, () -> api.get("/api/v1/tasks")));
        calls.put("GET /api/v1/pipelines/history", new Call(200, () -> api.get("/api/v1/pipelines/history?status=SUCCESS&size=5")));
        calls.put("GET /api/v1/pipelines/{chain_id}", new Call(200, () -> api.get("/api/v1/pipelines/" + done)));
        calls.put("GET /api/v1/pipelines/{chain_id}/tasks", new Call(200, () -> api.get("/api/v1/pipelines/" + done + "/tasks")));
        List<String> startedRuns = new ArrayList<>(List.of(done, failed, aiRun));
        calls.put("DELETE /api/v1/pipelines/{chain_id}/cancel", new Call(200, () -> {
            // started right before it is cancelled, so it is surely running (a sleep started at the top
            // ended before the walk reached it on a loaded machine, and a long one holds a core worker)
            String sleeping = pipelines.run("{\"task\": \"core.sleep\", \"args\": {\"ms\": 30000}}", "{}");
            startedRuns.add(sleeping);
            return api.delete("/api/v1/pipelines/" + sleeping + "/cancel");
        }));
        calls.put("POST /api/v1/pipelines/{chain_id}/tasks/{node}/revoke", new Call(200, () -> {
            String sleeping = pipelines.run("{\"chain\": [{\"task\": \"core.sleep\", \"args\": {\"ms\": 30000}}]}", "{}");
            startedRuns.add(sleeping);
            return api.post("/api/v1/pipelines/" + sleeping + "/tasks/0/revoke", "application/json", new byte[0]);
        }));
        calls.put("POST /api/v1/pipelines/{chain_id}/retry", new Call(202, () -> api.post("/api/v1/pipelines/" + failed + "/retry",
                "application/json", new byte[0])));
        calls.put("POST /api/v1/pipelines/{chain_id}/rerun", new Call(202, () -> api.post("/api/v1/pipelines/" + done + "/rerun",
                "application/json", new byte[0])));
        calls.put("DELETE /api/v1/pipelines/{chain_id}", new Call(200, () -> api.delete("/api/v1/pipelines/" + deletable)));
        calls.put("GET /api/v1/pipelines/ai-pipeline/{chain_id}/tasks", new Call(200,
                () -> api.get("/api/v1/pipelines/ai-pipeline/" + aiRun + "/tasks")));
        calls.put("DELETE /api/v1/pipelines/ai-pipeline/{chain_id}/cancel", new Call(200, () -> {
            String running = start(api, "/api/v1/pipelines/ai-pipeline", imagePath);   // cancelled while it runs
            startedRuns.add(running);
            return api.delete("/api/v1/pipelines/ai-pipeline/" + running + "/cancel");
        }));
        calls.put("POST /api/v1/pipelines/{pipeline} application/json", new Call(404,
                () -> api.postJson("/api/v1/pipelines/no-such-pipeline", documentPath)));
        for (String pipeline : List.of("document", "document-analysis", "image-analysis", "parallel", "ai-pipeline")) {
            String body = pipeline.startsWith("document") ? documentPath : imagePath;
            calls.put("POST /api/v1/pipelines/" + pipeline + " application/json", new Call(202,
                    () -> api.postJson("/api/v1/pipelines/" + pipeline, body)));
            calls.put("POST /api/v1/pipelines/" + pipeline + " multipart/form-data", new Call(202,
                    () -> api.postFile("/api/v1/pipelines/" + pipeline, "invoice.png", png)));
        }
        calls.put("GET /api/v1/schedules", new Call(200, () -> api.get("/api/v1/schedules")));
        calls.put("GET /api/v1/queues", new Call(200, () -> api.get("/api/v1/queues")));
        calls.put("GET /api/v1/workers", new Call(200, () -> api.get("/api/v1/workers")));
        calls.put("GET /api/v1/pipelines/{chain_id}/tasks/{node}", new Call(200, () -> api.get("/api/v1/pipelines/" + done + "/tasks/0")));
        calls.put("GET /api/v1/dead-letters", new Call(200, () -> api.get("/api/v1/dead-letters?limit=5")));
        // a real replay is DeadLetterReplayIT's; here an offset the topic does not hold
        calls.put("POST /api/v1/dead-letters/{topic}/{partition}/{offset}/replay", new Call(404,
                () -> api.post("/api/v1/dead-letters/ai.tasks.dead-letter/0/999999999/replay", "application/json", new byte[0])));
        calls.put("GET /api/v1/stats", new Call(200, () -> api.get("/api/v1/stats?window=1h")));
        calls.put("GET /api/v1/events/stream", new Call(200, () -> {
            // a stream never ends by itself: the answer is its status and first event, then it is closed
            try (EventStreamIT.Stream stream = new EventStreamIT.Stream(port, JsonMapper.builder().build())) {
                return new ApiClient.Response(stream.response.statusCode(), stream.next().name());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));
        calls.put("POST /api/v1/workflows application/json", new Call(202, () -> api.postJson("/api/v1/workflows",
                "{\"canvas\": {\"chain\": [{\"task\": \"core.echo\"}, {\"task\": \"core.echo\"}]}, \"input\": {\"x\": 1}}")));
        calls.put("POST /api/v1/files multipart/form-data", new Call(201, () -> api.postFile("/api/v1/files", "invoice.png", png)));
        calls.put("GET /api/v1/files", new Call(200, () -> api.get("/api/v1/files?path=" + image)));
        for (String operation : List.of("/api/v1/ocr/extract", "/api/v1/vision/detect", "/api/v1/vision/annotate")) {
            calls.put("POST " + operation + " application/json", new Call(200, () -> api.postJson(operation, path)));
            calls.put("POST " + operation + " multipart/form-data", new Call(200, () -> api.postFile(operation, "invoice.png", png)));
        }
        calls.put("POST /api/v1/llm/summarize application/json", new Call(200, () -> api.postJson("/api/v1/llm/summarize",
                "{\"text\": \"The invoice is due in thirty days. Late payments carry interest.\", \"max_sentences\": 1}")));
        calls.put("POST /api/v1/llm/clauses application/json", new Call(200, () -> api.postJson("/api/v1/llm/clauses",
                "{\"text\": \"This Agreement shall be governed by the laws of the State of Illinois.\"}")));
        calls.put("POST /api/v1/llm/describe application/json", new Call(200, () -> api.postJson("/api/v1/llm/describe",
                "{\"objects\": [{\"label\": \"dog\", \"score\": 0.9}], \"text\": \"BEWARE OF THE DOG\"}")));
        // the offline engine writes no free text: generation is refused as a conflict until a chat model is configured
        calls.put("POST /api/v1/llm/generate application/json", new Call(409, () -> api.postJson("/api/v1/llm/generate",
                "{\"prompt\": \"Write a haiku about invoices.\"}")));

        List<String> walked = new ArrayList<>();
        document.path("paths").properties().forEach(entry -> entry.getValue().properties().forEach(operation -> {
            String key = operation.getKey().toUpperCase() + " " + entry.getKey();
            JsonNode content = operation.getValue().path("requestBody").path("content");
            List<String> keys = new ArrayList<>();
            if (content.isObject() && !content.isEmpty()) {
                content.propertyNames().forEach(type -> keys.add(key + " " + type));
            } else {
                keys.add(key);
            }
            TreeSet<String> documented = new TreeSet<>(operation.getValue().path("responses").propertyNames());
            for (String call : keys) {
                walked.add(call);
                Call example = calls.get(call);
                assertThat(example).as("an example call for %s", call).isNotNull();
                ApiClient.Response response = example.send().get();
                assertThat(response.status()).as("%s answered %s", call, response.body()).isLessThan(500)
                        .isEqualTo(example.expected());
                assertThat(documented).as("statuses documented for %s", call).contains(String.valueOf(response.status()));
                if (response.status() == 202) {
                    startedRuns.add(response.json().path("data").path("chain_id").asString());
                }
            }
        }));
        assertThat(walked).as("operations in the document").containsExactlyInAnyOrderElementsOf(calls.keySet());

        for (String chainId : startedRuns) {
            assertThat(pipelines.awaitEnd(chainId, Duration.ofSeconds(90)).path("status").asString())
                    .as("run %s", chainId).isIn("SUCCESS", "FAILURE", "CANCELLED");
        }
    }

    private static String start(ApiClient api, String path, String body) {
        ApiClient.Response response = api.postJson(path, body);
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        return response.json().path("data").path("chain_id").asString();
    }
}

package ai.pipeline.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** Starting canvases over REST and waiting for their records, for engine and pipeline tests. */
public final class Pipelines {

    private static final Set<String> TERMINAL = Set.of("SUCCESS", "FAILURE", "CANCELLED");

    private final ApiClient api;

    public Pipelines(ApiClient api) {
        this.api = api;
    }

    /** Posts {@code {"canvas": canvasJson, "input": inputJson}} and returns the chain id. */
    public String run(String canvasJson, String inputJson) {
        ApiClient.Response response = api.postJson("/api/v1/workflows",
                "{\"canvas\": " + canvasJson + ", \"input\": " + inputJson + "}");
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        return response.json().path("data").path("chain_id").asString();
    }

    public JsonNode pipeline(String chainId) {
        ApiClient.Response response = api.get("/api/v1/pipelines/" + chainId);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().path("data");
    }

    public JsonNode tasks(String chainId) {
        return api.get("/api/v1/pipelines/" + chainId + "/tasks").json().path("data").path("tasks");
    }

    public JsonNode task(String chainId, String node) {
        for (JsonNode task : tasks(chainId)) {
            if (task.path("node").asString().equals(node)) {
                return task;
            }
        }
        throw new AssertionError("no task at node " + node + " in " + tasks(chainId));
    }

    /** Waits until the pipeline ends and returns its record. */
    public JsonNode awaitEnd(String chainId, Duration atMost) {
        return await().atMost(atMost).pollInterval(Duration.ofMillis(50)).until(() -> pipeline(chainId),
                p -> TERMINAL.contains(p.path("status").asString()));
    }

    public JsonNode awaitEnd(String chainId) {
        return awaitEnd(chainId, Duration.ofSeconds(30));
    }
}

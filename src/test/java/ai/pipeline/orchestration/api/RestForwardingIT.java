package ai.pipeline.orchestration.api;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.orchestration.pipelines.TestInputs;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppProcess;
import ai.pipeline.testsupport.ClusterInfrastructure;
import ai.pipeline.testsupport.Pipelines;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: two API instances, each its own process, share one PostgreSQL and one Kafka broker (as
 * the API pods of k8s/base do). One holds the orchestrator lease; every call that needs the engine
 * is sent to the other, which forwards it to the holder, and the client gets the holder's answer.
 */
class RestForwardingIT {

    private static final String KEY = "forwarding-key";

    @TempDir
    Path dir;

    @Test
    void theInstanceWithoutTheLeaseForwardsStartsCancelsRetriesAndDeletesToTheHolderOnce() throws Exception {
        try (ClusterInfrastructure infrastructure = ClusterInfrastructure.start(dir)) {
            Map<String, String> cluster = infrastructure.environment("APP_SECURITY_API_KEYS", KEY);
            // one storage, as the cluster's shared volume (k8s/base/storage.yaml)
            Path storage = Files.createDirectories(dir.resolve("first/storage"));
            Files.createSymbolicLink(Files.createDirectories(dir.resolve("second")).resolve("storage"), storage);
            AppProcess first = new AppProcess(dir.resolve("first"), cluster);
            AppProcess second = new AppProcess(dir.resolve("second"), cluster);
            try {
                CompletableFuture.allOf(CompletableFuture.runAsync(first::start), CompletableFuture.runAsync(second::start)).join();
                String holderUrl = holderUrl(infrastructure.postgres());
                assertThat(holderUrl).isIn(first.api().uri("").toString(), second.api().uri("").toString());
                ApiClient withoutKey = (holderUrl.equals(first.api().uri("").toString()) ? second : first).api();
                ApiClient standby = withoutKey.withApiKey(KEY);
                Pipelines pipelines = new Pipelines(standby);

                String chain = pipelines.run("{\"chain\": [{\"task\": \"core.echo\"}, {\"task\": \"core.echo\"}]}", "{}");
                assertThat(pipelines.awaitEnd(chain).path("status").asString()).isEqualTo("SUCCESS");

                String sleeping = pipelines.run("{\"task\": \"core.sleep\", \"args\": {\"ms\": 60000}}", "{}");
                ApiClient.Response cancelled = standby.delete("/api/v1/pipelines/" + sleeping + "/cancel");
                assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
                assertThat(pipelines.awaitEnd(sleeping).path("status").asString()).isEqualTo("CANCELLED");

                String failing = pipelines.run("{\"task\": \"core.fail\", \"args\": {\"times\": 1, \"retryable\": false}}", "{}");
                assertThat(pipelines.awaitEnd(failing).path("status").asString()).isEqualTo("FAILURE");
                String node = pipelines.tasks(failing).get(0).path("node").asString();
                ApiClient.Response retried = standby.post("/api/v1/pipelines/" + failing + "/retry?from=" + node, "application/json",
                        new byte[0]);
                assertThat(retried.status()).as(retried.body()).isEqualTo(202);
                assertThat(pipelines.awaitEnd(failing).path("status").asString()).isEqualTo("SUCCESS");

                // a multipart upload goes through whole: the holder stores it and schedules the run
                Path image = TestInputs.textPng(dir.resolve("upload.png"), "Forwarded upload");
                ApiClient.Response uploaded = standby.postFile("/api/v1/pipelines/document", image, "countdown_s", "600");
                assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(202);
                assertThat(uploaded.json().path("data").path("status").asString()).isEqualTo("SCHEDULED");

                ApiClient.Response deleted = standby.delete("/api/v1/pipelines/" + chain);
                assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
                assertThat(standby.get("/api/v1/pipelines/" + chain).status()).isEqualTo(404);

                // the API key is checked before anything is forwarded
                assertThat(withoutKey.postJson("/api/v1/workflows", "{}").status()).isEqualTo(401);

                // a call forwarded once is not forwarded again: the instance without the lease answers 503 as before
                ApiClient.Response twice = standby.send(HttpRequest.newBuilder(standby.uri("/api/v1/workflows"))
                        .header("Content-Type", "application/json")
                        .header(EngineCallForwarding.FORWARDED_BY, "another-instance")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"canvas\": {\"task\": \"core.echo\"}, \"input\": {}}")));
                twice.assertError(503, "unavailable", "does not run the orchestrator");
            } finally {
                for (AppProcess app : List.of(first, second)) {
                    app.kill();
                }
            }
        }
    }

    private static String holderUrl(EmbeddedPostgres postgres) throws Exception {
        try (Connection db = postgres.getPostgresDatabase().getConnection(); Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT holder_url FROM engine_lease WHERE name = 'orchestrator'")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}

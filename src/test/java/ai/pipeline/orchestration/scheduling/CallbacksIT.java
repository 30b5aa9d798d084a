package ai.pipeline.orchestration.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Completion callbacks on the real application, to a real HTTP receiver (the JDK's server): the final
 * record is posted once the run ends, signed with HMAC-SHA256 of the body; a receiver that fails is
 * tried again after a backoff; every attempt is shown in the run's record; bad URLs are 400s.
 */
@AppTest
class CallbacksIT {

    private static final String SECRET = "test-callback-secret";   // app.callbacks.secret in the test properties

    record Received(String body, String signature, String chainId, String attempt) {
    }

    @LocalServerPort
    int port;

    ApiClient api;
    Pipelines pipelines;
    HttpServer receiver;
    final List<Received> received = new CopyOnWriteArrayList<>();
    /** How many requests the receiver still fails with 503 before it answers 204. */
    final AtomicInteger failuresLeft = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        api = new ApiClient(port);
        pipelines = new Pipelines(api);
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks", exchange -> {
            received.add(new Received(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    exchange.getRequestHeaders().getFirst("X-Signature"), exchange.getRequestHeaders().getFirst("X-Chain-Id"),
                    exchange.getRequestHeaders().getFirst("X-Callback-Attempt")));
            exchange.sendResponseHeaders(failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503 : 204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
    }

    private String hookUrl() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks/runs";
    }

    private List<Received> receivedFor(String chainId) {
        return received.stream().filter(r -> chainId.equals(r.chainId())).toList();
    }

    @Test
    void anEndedRunsRecordIsPostedSignedAndTheDeliveryIsRecorded() {
        String chainId = run("{\"canvas\": {\"task\": \"core.echo\"}, \"input\": {\"n\": 3}, \"callback_url\": \"" + hookUrl() + "\"}");

        await().atMost(Duration.ofSeconds(20)).until(() -> !receivedFor(chainId).isEmpty());
        Received callback = receivedFor(chainId).get(0);
        JsonNode posted = JsonMapper.builder().build().readTree(callback.body());
        assertThat(posted.path("chain_id").asString()).isEqualTo(chainId);
        assertThat(posted.path("status").asString()).isEqualTo("SUCCESS");
        assertThat(posted.path("result").path("input").path("n").asInt()).isEqualTo(3);
        assertThat(callback.signature()).isEqualTo("sha256=" + CallbackDispatcher.sign(SECRET,
                callback.body().getBytes(StandardCharsets.UTF_8)));
        assertThat(callback.attempt()).isEqualTo("1");

        JsonNode delivery = await().atMost(Duration.ofSeconds(5)).until(() -> pipelines.pipeline(chainId).path("callback"),
                c -> c.path("state").asString().equals("DELIVERED"));
        assertThat(delivery.path("url").asString()).isEqualTo(hookUrl());
        assertThat(delivery.path("attempts")).hasSize(1);
        assertThat(delivery.path("attempts").get(0).path("http_status").asInt()).isEqualTo(204);
        assertThat(receivedFor(chainId)).hasSize(1);
    }

    @Test
    void aFailingReceiverIsTriedAgainAfterABackoffAndEachAttemptIsRecorded() {
        failuresLeft.set(2);
        String chainId = run("{\"canvas\": {\"task\": \"core.echo\"}, \"callback_url\": \"" + hookUrl() + "\"}");

        JsonNode delivery = await().atMost(Duration.ofSeconds(20)).until(() -> pipelines.pipeline(chainId).path("callback"),
                c -> c.path("state").asString().equals("DELIVERED"));
        JsonNode attempts = delivery.path("attempts");
        assertThat(attempts).hasSize(3);
        assertThat(attempts.get(0).path("http_status").asInt()).isEqualTo(503);
        assertThat(attempts.get(0).path("error").asString()).contains("503");
        assertThat(attempts.get(2).path("http_status").asInt()).isEqualTo(204);
        assertThat(receivedFor(chainId)).extracting(Received::attempt).containsExactly("1", "2", "3");
    }

    @Test
    void aScheduledRunCancelledWhileItWaitsIsReportedToo() {
        String chainId = run("{\"canvas\": {\"task\": \"core.echo\"}, \"countdown_s\": 3600, \"callback_url\": \"" + hookUrl() + "\"}");
        assertThat(pipelines.pipeline(chainId).path("callback").path("state").asString()).isEqualTo("PENDING");
        assertThat(api.delete("/api/v1/pipelines/" + chainId + "/cancel").status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> !receivedFor(chainId).isEmpty());
        assertThat(JsonMapper.builder().build().readTree(receivedFor(chainId).get(0).body()).path("status").asString())
                .isEqualTo("CANCELLED");
    }

    @Test
    void callbackUrlsThatAreNotHttpAreRefused() {
        for (String url : List.of("ftp://example.com/x", "file:///etc/passwd", "not a url", "http:///no-host",
                "http://user:pw@example.com/x")) {
            ApiClient.Response response = api.postJson("/api/v1/workflows",
                    "{\"canvas\": {\"task\": \"core.echo\"}, \"callback_url\": \"" + url + "\"}");
            assertThat(response.status()).as(url + ": " + response.body()).isEqualTo(400);
            assertThat(response.json().path("error").path("message").asString()).as(url).contains("callback_url");
        }
        ApiClient.Response notText = api.postJson("/api/v1/pipelines/document",
                "{\"document_path\": \"x.png\", \"callback_url\": \"gopher://x\"}");
        assertThat(notText.status()).as(notText.body()).isEqualTo(400);
        assertThat(notText.json().path("error").path("message").asString()).contains("callback_url");
    }

    private String run(String body) {
        ApiClient.Response response = api.postJson("/api/v1/workflows", body);
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        return response.json().path("data").path("chain_id").asString();
    }
}

package ai.pipeline.orchestration.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * Forwarding to the orchestrator lease's holder: which calls go, what they carry there and back, and
 * that a call is forwarded once at most. The holder is a real HTTP server that records what it got.
 */
class EngineCallForwardingTest {

    private record Received(String method, String uri, String contentType, String apiKey, String forwardedBy, String body) {
    }

    private final AtomicReference<Received> received = new AtomicReference<>();
    private HttpServer holder;
    private boolean holding;
    private Optional<URI> holderUrl = Optional.empty();
    private final EngineCallForwarding filter = new EngineCallForwarding(() -> holding, () -> holderUrl, "this-instance",
            Duration.ofSeconds(5));

    @BeforeEach
    void startHolder() throws IOException {
        holder = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        holder.createContext("/", exchange -> {
            received.set(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders().getFirst("Content-Type"), exchange.getRequestHeaders().getFirst(ApiKeyFilter.HEADER),
                    exchange.getRequestHeaders().getFirst(EngineCallForwarding.FORWARDED_BY),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            byte[] answer = "{\"success\":true,\"data\":{\"chain_id\":\"c1\"}}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("X-Request-Id", "r1");
            exchange.sendResponseHeaders(202, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        holder.start();
        holderUrl = Optional.of(URI.create("http://127.0.0.1:" + holder.getAddress().getPort() + "/"));
    }

    @AfterEach
    void stopHolder() {
        holder.stop(0);
    }

    /** The answer, with status 299 when the call went on to this instance's controllers. */
    private MockHttpServletResponse call(MockHttpServletRequest request) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(request, response, chain);
        if (chain.getRequest() != null) {
            response.setStatus(299);
        }
        return response;
    }

    private static MockHttpServletRequest start(String body) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/workflows");
        request.setContentType("application/json");
        request.setContent(body.getBytes(StandardCharsets.UTF_8));
        request.addHeader(ApiKeyFilter.HEADER, "k1");
        return request;
    }

    @Test
    void theCallsThatEndInTheEngineAreForwardedAndTheReadsAreNot() {
        assertThat(EngineCallForwarding.needsEngine("POST", "/api/v1/workflows")).isTrue();
        assertThat(EngineCallForwarding.needsEngine("POST", "/api/v1/pipelines/document")).isTrue();
        assertThat(EngineCallForwarding.needsEngine("POST", "/api/v1/pipelines/c1/retry")).isTrue();
        assertThat(EngineCallForwarding.needsEngine("POST", "/api/v1/pipelines/c1/tasks/1/revoke")).isTrue();
        assertThat(EngineCallForwarding.needsEngine("DELETE", "/api/v1/pipelines/c1/cancel")).isTrue();
        assertThat(EngineCallForwarding.needsEngine("DELETE", "/api/v1/pipelines/c1")).isTrue();

        assertThat(EngineCallForwarding.needsEngine("GET", "/api/v1/pipelines/c1")).isFalse();
        assertThat(EngineCallForwarding.needsEngine("GET", "/api/v1/pipelines")).isFalse();
        assertThat(EngineCallForwarding.needsEngine("POST", "/api/v1/files")).isFalse();
        assertThat(EngineCallForwarding.needsEngine("POST", "/api/v1/ocr/extract")).isFalse();
        assertThat(EngineCallForwarding.needsEngine("POST", "/api/v1/dead-letters/t/0/1/replay")).isFalse();
    }

    @Test
    void aCallGoesToTheHolderAsItCameAndItsAnswerComesBackAsItCame() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/pipelines/c1/retry");
        request.setQueryString("from=1.h0");
        request.setContentType("application/json");
        request.setContent("{\"x\": 1}".getBytes(StandardCharsets.UTF_8));
        request.addHeader(ApiKeyFilter.HEADER, "k1");

        MockHttpServletResponse response = call(request);

        assertThat(response.getStatus()).isEqualTo(202);
        assertThat(response.getContentType()).isEqualTo("application/json");
        assertThat(response.getHeader("X-Request-Id")).isEqualTo("r1");
        assertThat(response.getContentAsString()).isEqualTo("{\"success\":true,\"data\":{\"chain_id\":\"c1\"}}");
        assertThat(received.get()).isEqualTo(new Received("POST", "/api/v1/pipelines/c1/retry?from=1.h0", "application/json",
                "k1", "this-instance", "{\"x\": 1}"));
    }

    @Test
    void aCallWithoutABodyGoesWithoutOne() throws Exception {
        MockHttpServletResponse response = call(new MockHttpServletRequest("DELETE", "/api/v1/pipelines/c1/cancel"));

        assertThat(response.getStatus()).isEqualTo(202);
        assertThat(received.get().method()).isEqualTo("DELETE");
        assertThat(received.get().body()).isEmpty();
    }

    @Test
    void theHolderAndReadsAndCallsForwardedOnceAreHandledHere() throws Exception {
        holding = true;
        assertThat(call(start("{}")).getStatus()).isEqualTo(299);

        holding = false;
        assertThat(call(new MockHttpServletRequest("GET", "/api/v1/pipelines/c1")).getStatus()).isEqualTo(299);
        MockHttpServletRequest forwardedOnce = start("{}");
        forwardedOnce.addHeader(EngineCallForwarding.FORWARDED_BY, "another-instance");
        assertThat(call(forwardedOnce).getStatus()).isEqualTo(299);
        assertThat(received.get()).as("nothing reached the holder").isNull();
    }

    @Test
    void noHolderOrAnUnreachableOneIs503InTheEnvelope() throws Exception {
        holderUrl = Optional.empty();
        MockHttpServletResponse none = call(start("{}"));
        assertThat(none.getStatus()).isEqualTo(503);
        assertThat(none.getContentType()).startsWith("application/json");
        assertThat(none.getContentAsString()).contains("\"success\":false", "\"code\":\"unavailable\"", "no instance runs the orchestrator");

        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            holderUrl = Optional.of(URI.create("http://127.0.0.1:" + closed.getLocalPort()));
        }
        MockHttpServletResponse gone = call(start("{}"));
        assertThat(gone.getStatus()).isEqualTo(503);
        assertThat(gone.getContentAsString()).contains("\"code\":\"unavailable\"", "did not answer");
    }
}

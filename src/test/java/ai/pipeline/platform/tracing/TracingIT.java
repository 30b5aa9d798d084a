package ai.pipeline.platform.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.orchestration.pipelines.TestInputs;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.Pipelines;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A {@code document-analysis} run (OCR really runs) traced to an OTLP/HTTP receiver in this test:
 * one trace, whose root is the span of the pipeline, with every task of the run as a span under it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "app.data-dir=target/test-data/${random.uuid}")
class TracingIT {

    private static final OtlpReceiver RECEIVER = new OtlpReceiver();

    @DynamicPropertySource
    static void tracing(DynamicPropertyRegistry registry) {
        registry.add("app.tracing.otlp-endpoint", RECEIVER::endpoint);
    }

    @AfterAll
    static void stopReceiver() {
        RECEIVER.stop();
    }

    @LocalServerPort
    int port;

    @TempDir
    Path tmp;

    Pipelines pipelines;
    ApiClient api;

    @BeforeEach
    void clients() {
        api = new ApiClient(port);
        pipelines = new Pipelines(api);
    }

    @Test
    void aDocumentAnalysisRunIsOneTraceWithEveryTaskAsASpanUnderThePipelinesSpan() {
        Path pdf = TestInputs.contractPdf(tmp.resolve("contract.pdf"), 1);
        Instant beforeStart = Instant.now();
        ApiClient.Response started = api.postFile("/api/v1/pipelines/document-analysis", pdf);
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String chainId = started.json().path("data").path("chain_id").asString();
        Instant afterStart = Instant.now();

        JsonNode run = pipelines.awaitEnd(chainId, Duration.ofSeconds(45));
        assertThat(run.path("status").asString()).as(run.toString()).isEqualTo("SUCCESS");
        JsonNode tasks = pipelines.tasks(chainId);
        String traceId = RunTraceContext.root(chainId).getTraceId();
        List<Span> spans = await().atMost(Duration.ofSeconds(10))
                .until(() -> RECEIVER.spansOf(traceId), s -> s.size() == tasks.size() + 1);

        SpanContext expectedRoot = RunTraceContext.root(chainId);
        Span root = spans.stream().filter(s -> s.getParentSpanId().isEmpty()).findFirst().orElseThrow();
        assertThat(root.getName()).isEqualTo("pipeline document-analysis");
        assertThat(hex(root.getSpanId())).isEqualTo(expectedRoot.getSpanId());
        assertThat(attributes(root)).containsEntry("ai.pipeline.chain_id", chainId)
                .containsEntry("ai.pipeline.name", "document-analysis").containsEntry("ai.pipeline.status", "SUCCESS");
        assertThat(root.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
        // from the run's creation (while the start request was answered) to its end
        assertThat(root.getStartTimeUnixNano()).isBetween(nanos(beforeStart), nanos(afterStart));

        List<Span> taskSpans = spans.stream().filter(s -> s != root).toList();
        List<String> expected = new ArrayList<>();
        tasks.forEach(t -> expected.add("task " + t.path("name").asString() + " " + t.path("node").asString() + " "
                + t.path("task_id").asString() + " 1 SUCCESS"));
        assertThat(taskSpans).extracting(s -> s.getName() + " " + attributes(s).get("ai.task.node") + " "
                        + attributes(s).get("ai.task.id") + " " + attributes(s).get("ai.task.attempt") + " "
                        + attributes(s).get("ai.task.outcome"))
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(taskSpans).extracting(s -> attributes(s).get("ai.task.node")).containsExactlyInAnyOrder(
                "0", "1.0", "2", "3.h0", "3.h1", "3.h2", "3.body");
        for (Span task : taskSpans) {
            assertThat(hex(task.getParentSpanId())).as(task.getName()).isEqualTo(expectedRoot.getSpanId());
            assertThat(attributes(task)).containsEntry("ai.pipeline.chain_id", chainId).containsKey("ai.task.worker");
            assertThat(task.getStartTimeUnixNano()).isBetween(root.getStartTimeUnixNano(), task.getEndTimeUnixNano());
            assertThat(task.getEndTimeUnixNano()).isLessThanOrEqualTo(root.getEndTimeUnixNano());
        }
        assertThat(RECEIVER.serviceNames()).containsExactly("ai-pipeline");
    }

    private static long nanos(Instant instant) {
        return TimeUnit.SECONDS.toNanos(instant.getEpochSecond()) + instant.getNano();
    }

    private static String hex(com.google.protobuf.ByteString id) {
        return HexFormat.of().formatHex(id.toByteArray());
    }

    private static Map<String, String> attributes(Span span) {
        return span.getAttributesList().stream().collect(Collectors.toMap(KeyValue::getKey, a -> text(a.getValue())));
    }

    private static String text(AnyValue value) {
        return value.hasIntValue() ? String.valueOf(value.getIntValue()) : value.getStringValue();
    }

    /** An OTLP/HTTP (protobuf) trace receiver on a free loopback port: keeps every span it is sent. */
    private static final class OtlpReceiver {
        private final HttpServer server;
        private final List<ResourceSpans> received = new CopyOnWriteArrayList<>();

        OtlpReceiver() {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            server.createContext("/v1/traces", exchange -> {
                try (InputStream body = exchange.getRequestBody()) {
                    received.addAll(ExportTraceServiceRequest.parseFrom(body).getResourceSpansList());
                }
                byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            });
            server.start();
        }

        String endpoint() {
            return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/v1/traces";
        }

        List<Span> spansOf(String traceId) {
            return received.stream().flatMap(r -> r.getScopeSpansList().stream()).map(ScopeSpans::getSpansList)
                    .flatMap(List::stream).filter(s -> hex(s.getTraceId()).equals(traceId)).toList();
        }

        List<String> serviceNames() {
            return received.stream().flatMap(r -> r.getResource().getAttributesList().stream())
                    .filter(a -> a.getKey().equals("service.name")).map(a -> a.getValue().getStringValue()).distinct().toList();
        }

        void stop() {
            server.stop(0);
        }
    }
}

package ai.pipeline.orchestration.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.platform.DataDirectory;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code document-analysis} and {@code document} on a three-page scanned contract (OCR really runs),
 * driven from every door at once: REST (multipart upload), the drop folder and a Kafka request.
 */
@AppTest
class DocumentAnalysisIT {

    private static final Duration RUN = Duration.ofSeconds(120);

    @LocalServerPort
    int port;

    @Autowired
    ProducerTemplate producer;

    @Autowired
    ConsumerTemplate consumer;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    DataDirectory dataDirectory;

    @Autowired
    JsonMapper json;

    @TempDir
    Path tmp;

    ApiClient api;
    Pipelines pipelines;

    @BeforeEach
    void clients() {
        api = new ApiClient(port);
        pipelines = new Pipelines(api);
    }

    @Test
    void documentAnalysisFromRestDropFolderAndKafkaGivesTextSummaryAndClauses() throws Exception {
        Path pdf = TestInputs.contractPdf(tmp.resolve("contract.pdf"), 3);

        ApiClient.Response rest = api.postFile("/api/v1/pipelines/document-analysis", pdf);
        assertThat(rest.status()).as(rest.body()).isEqualTo(202);
        assertThat(rest.json().path("data").path("status").asString()).isIn("PENDING", "RUNNING");
        String restChain = rest.json().path("data").path("chain_id").asString();

        String dropName = "contract-" + UUID.randomUUID() + ".pdf";
        Path inboxFolder = dataDirectory.inbox().resolve("document-analysis");
        Files.copy(pdf, inboxFolder.resolve(dropName));

        String stored = api.postFile("/api/v1/files", pdf).json().path("data").path("path").asString();
        String requestId = "kafka-" + UUID.randomUUID();
        producer.sendBodyAndHeader("kafka:ai.pipeline.requests", "{\"pipeline\": \"document-analysis\", \"input\": "
                + "{\"document_path\": \"" + stored + "\"}, \"request_id\": \"" + requestId + "\"}", KafkaConstants.KEY, requestId);

        ApiClient.Response document = api.postJson("/api/v1/pipelines/document", "{\"document_path\": \"" + stored + "\"}");
        assertThat(document.status()).as(document.body()).isEqualTo(202);

        String kafkaChain = awaitChainOf(requestId);
        String dropChain = awaitChainOf("drop-folder:document-analysis:" + sha256(pdf));
        List<JsonNode> runs = new ArrayList<>();
        for (String chain : List.of(restChain, dropChain, kafkaChain)) {
            runs.add(pipelines.awaitEnd(chain, RUN));
        }
        assertThat(runs).extracting(r -> r.path("source").asString()).containsExactly("rest", "drop-folder", "kafka");
        for (JsonNode run : runs) {
            assertThat(run.path("status").asString()).as(run.toString()).isEqualTo("SUCCESS");
            assertAnalysis(run.path("result"));
        }

        JsonNode summaryOnly = pipelines.awaitEnd(document.json().path("data").path("chain_id").asString(), RUN);
        assertThat(summaryOnly.path("status").asString()).isEqualTo("SUCCESS");
        assertThat(summaryOnly.path("result").path("summary").asString()).isNotBlank();
        assertThat(summaryOnly.path("result").path("sentences")).isNotEmpty();

        // the drop folder: the input moved to .done/, the result written to the outbox
        assertThat(inboxFolder.resolve(".done").resolve(dropName)).exists();
        assertThat(inboxFolder.resolve(dropName)).doesNotExist();
        Path outbox = dataDirectory.outbox().resolve(dropChain + ".json");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(outbox));
        JsonNode written = json.readTree(Files.readString(outbox));
        assertThat(written.path("status").asString()).isEqualTo("SUCCESS");
        assertThat(written.path("input").path("file_name").asString()).isEqualTo(dropName);
        assertAnalysis(written.path("result"));

        assertEveryTaskShowsStateAttemptsAndTimings(restChain);
    }

    private static void assertAnalysis(JsonNode result) {
        assertThat(result.path("page_count").asInt()).isEqualTo(3);
        assertThat(result.path("pages")).extracting(p -> p.path("page").asInt()).containsExactly(1, 2, 3);
        assertThat(result.path("text").asString()).contains("SERVICES AGREEMENT", "sixty (60) days", "Illinois");
        assertThat(result.path("summary").asString()).isNotBlank();
        List<String> categories = new ArrayList<>();
        result.path("clauses").forEach(c -> categories.add(c.path("category").asString()));
        assertThat(categories).contains("Governing Law", "Cap on Liability");
        assertThat(categories).anyMatch(c -> c.startsWith("Termination"));
        assertThat(result.path("provenance").path("ocr").path("engine").asString()).isEqualTo("tesseract");
        assertThat(result.path("provenance").path("summary").path("engine").asString()).isNotBlank();
        assertThat(result.path("provenance").path("clauses").path("engine").asString()).isNotBlank();
    }

    private void assertEveryTaskShowsStateAttemptsAndTimings(String chainId) {
        JsonNode tasks = pipelines.tasks(chainId);
        List<String> nodes = new ArrayList<>();
        for (JsonNode task : tasks) {
            nodes.add(task.path("node").asString());
            assertThat(task.path("state").asString()).as(task.toString()).isEqualTo("SUCCESS");
            assertThat(task.path("attempt").asInt()).isEqualTo(1);
            assertThat(task.path("attempts")).hasSize(1);
            assertThat(task.path("started_at").asString()).isNotBlank();
            assertThat(task.path("finished_at").asString()).isNotBlank();
            assertThat(task.path("duration_ms").isNumber()).isTrue();
            assertThat(task.path("task_id").asString()).isNotBlank();
        }
        // split, one extract_page per page (in parallel), merge, then the chord: echo, summary, clauses, merge
        assertThat(nodes).containsExactly("0", "1.0", "1.1", "1.2", "2", "3.h0", "3.h1", "3.h2", "3.body");
    }

    @Test
    void aKafkaRequestForAFileOutsideStorageIsRefusedToTheDeadLetterTopicWithTheReason() {
        String requestId = "escape-" + UUID.randomUUID();
        producer.sendBodyAndHeader("kafka:ai.pipeline.requests", "{\"pipeline\": \"document\", \"input\": "
                + "{\"document_path\": \"../../../etc/passwd\"}, \"request_id\": \"" + requestId + "\"}", KafkaConstants.KEY, requestId);

        String uri = "kafka:ai.pipeline.requests.dead-letter?groupId=test-" + UUID.randomUUID() + "&autoOffsetReset=earliest";
        Exchange refused = await().atMost(Duration.ofSeconds(30)).until(() -> consumer.receive(uri, 1000),
                e -> e != null && e.getIn().getBody(String.class).contains(requestId));
        assertThat(refused.getIn().getHeader("error", String.class)).contains("outside the storage root");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM pipeline_execution WHERE request_id = ?", Integer.class, requestId))
                .isZero();
    }

    private String awaitChainOf(String requestId) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForList(
                "SELECT chain_id FROM pipeline_execution WHERE request_id = ?", String.class, requestId),
                ids -> !ids.isEmpty()).get(0);
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}

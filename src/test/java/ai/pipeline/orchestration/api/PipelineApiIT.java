package ai.pipeline.orchestration.api;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.orchestration.canvas.CanvasValidator;
import ai.pipeline.orchestration.pipelines.PipelineCatalog;
import ai.pipeline.orchestration.pipelines.PipelineDefinition;
import ai.pipeline.orchestration.pipelines.TestInputs;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;

/**
 * The pipeline API's answers to good and bad requests: every mistake is a 4xx with a message that
 * says what was wrong, no bad request leaves a file or a run behind, and no run it starts is left
 * RUNNING.
 */
@AppTest
class PipelineApiIT {

    @LocalServerPort
    int port;

    @Autowired
    Storage storage;

    @Autowired
    PipelineCatalog catalog;

    @Autowired
    CanvasValidator validator;

    @Value("${app.storage.max-file-size}")
    DataSize maxFileSize;

    @TempDir
    Path tmp;

    ApiClient api;
    Pipelines pipelines;
    final List<String> started = new ArrayList<>();

    @BeforeEach
    void clients() {
        api = new ApiClient(port);
        pipelines = new Pipelines(api);
    }

    @AfterEach
    void noRunIsLeftRunning() {
        for (String chainId : started) {
            assertThat(pipelines.awaitEnd(chainId).path("status").asString()).isIn("SUCCESS", "FAILURE", "CANCELLED");
        }
    }

    private static void assertError(ApiClient.Response response, int status, String code, String message) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        JsonNode body = response.json();
        assertThat(body.path("success").asBoolean()).isFalse();
        assertThat(body.path("error").path("code").asString()).isEqualTo(code);
        assertThat(body.path("error").path("message").asString()).contains(message);
    }

    private String startWorkflow(String canvas) {
        String chainId = pipelines.run(canvas, "{}");
        started.add(chainId);
        return chainId;
    }

    private String inStorage(String name, String text) throws IOException {
        Path dir = Files.createDirectories(storage.root().resolve("api-test"));
        Path file = dir.resolve(UUID.randomUUID() + "-" + name);
        if (name.endsWith(".png")) {
            TestInputs.textPng(file, text);
        } else {
            Files.writeString(file, text);
        }
        return storage.relativize(file);
    }

    private long storedFiles() throws IOException {
        try (Stream<Path> files = Files.walk(storage.root())) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void theNamedPipelinesAreListedWithTheirInputsAndValidCanvases() {
        JsonNode items = api.get("/api/v1/pipelines").json().path("data").path("items");
        List<String> names = new ArrayList<>();
        items.forEach(i -> names.add(i.path("name").asString()));
        assertThat(names).containsExactly("ai-pipeline", "document", "document-analysis", "image-analysis", "parallel");
        JsonNode ai = items.get(0);
        assertThat(ai.path("endpoint").asString()).isEqualTo("/api/v1/pipelines/ai-pipeline");
        assertThat(ai.path("inputs")).extracting(i -> i.path("key").asString()).containsExactly("image_path", "document_path");
        assertThat(ai.path("stages")).hasSize(4);
        assertThat(ai.path("canvas").path("chain")).hasSize(4);
        for (PipelineDefinition definition : catalog.all()) {
            validator.validate(definition.canvas());
        }
    }

    @Test
    void malformedMissingAndMistypedStartRequestsAre400() {
        assertError(api.postJson("/api/v1/pipelines/document", "{\"document_path\": "), 400, "invalid_input", "malformed request body");
        assertError(api.postJson("/api/v1/pipelines/document", ""), 400, "invalid_input", "malformed request body");
        assertError(api.postJson("/api/v1/pipelines/document", "{}"), 400, "invalid_input", "document_path: is required");
        assertError(api.postJson("/api/v1/pipelines/image-analysis", "{\"document_path\": \"a.png\"}"), 400, "invalid_input",
                "image_path: is required");
        assertError(api.postJson("/api/v1/pipelines/document", "{\"document_path\": [\"a.pdf\"]}"), 400, "invalid_input",
                "malformed request body");
        assertError(api.postJson("/api/v1/pipelines/document", "[]"), 400, "invalid_input", "malformed request body");
        assertError(api.postJson("/api/v1/pipelines/ai-pipeline", "{\"image_path\": \"a.png\", \"document_path\": \"b.pdf\"}"),
                400, "invalid_input", "exactly one of image_path and document_path");
        assertError(api.postJson("/api/v1/pipelines/document", "{\"document_path\": \"x\", \"request_id\": \"" + "r".repeat(201) + "\"}"),
                400, "invalid_input", "request_id");
        assertError(api.postJson("/api/v1/workflows", "{\"input\": {}}"), 400, "invalid_input", "canvas: is required");
        assertError(api.postJson("/api/v1/workflows", "{\"canvas\": {\"task\": \"no.such_task\"}}"), 400, "invalid_input",
                "unknown task 'no.such_task'");
        assertError(api.postFile("/api/v1/pipelines/document", "a.png", new byte[0]), 400, "invalid_input", "the file is empty");
        assertError(api.post("/api/v1/files", "multipart/form-data; boundary=x", ("--x\r\nContent-Disposition: form-data; "
                + "name=\"other\"\r\n\r\nvalue\r\n--x--\r\n").getBytes(StandardCharsets.UTF_8)), 400, "invalid_input", "'file'");
    }

    @Test
    void unknownPipelinesAndChainIdsAre404() {
        assertError(api.postJson("/api/v1/pipelines/no-such-pipeline", "{\"document_path\": \"a.pdf\"}"), 404, "not_found",
                "no pipeline named 'no-such-pipeline'");
        String unknown = UUID.randomUUID().toString();
        assertError(api.get("/api/v1/pipelines/" + unknown), 404, "not_found", unknown);
        assertError(api.get("/api/v1/pipelines/" + unknown + "/tasks"), 404, "not_found", unknown);
        assertError(api.delete("/api/v1/pipelines/" + unknown + "/cancel"), 404, "not_found", unknown);
        assertError(api.post("/api/v1/pipelines/" + unknown + "/retry", "application/json", new byte[0]), 404, "not_found", unknown);
        assertError(api.get("/api/v1/pipelines/ai-pipeline/" + unknown + "/tasks"), 404, "not_found", unknown);

        String workflow = startWorkflow("{\"task\": \"core.echo\"}");
        pipelines.awaitEnd(workflow);
        assertError(api.get("/api/v1/pipelines/ai-pipeline/" + workflow + "/tasks"), 404, "not_found", "it is a run of workflow");
        assertError(api.delete("/api/v1/pipelines/ai-pipeline/" + workflow + "/cancel"), 404, "not_found", "no ai-pipeline run");
    }

    @Test
    void pathsOutsideStorageAre400AndMissingFiles404BeforeAnythingIsRecorded() throws IOException {
        long before = historyTotal();
        assertError(api.postJson("/api/v1/pipelines/document", "{\"document_path\": \"../../../etc/passwd\"}"), 400,
                "invalid_input", "outside the storage root");
        assertError(api.postJson("/api/v1/pipelines/document", "{\"document_path\": \"/etc/passwd\"}"), 400,
                "invalid_input", "outside the storage root");
        Path link = storage.root().resolve("api-test-link-" + UUID.randomUUID() + ".pdf");
        Files.createSymbolicLink(link, Files.writeString(tmp.resolve("outside.pdf"), "%PDF-1.7"));
        assertError(api.postJson("/api/v1/pipelines/document", "{\"document_path\": \"" + link.getFileName() + "\"}"), 400,
                "invalid_input", "leads outside the storage root");
        assertError(api.postJson("/api/v1/pipelines/document-analysis", "{\"document_path\": \"nowhere/contract.pdf\"}"), 404,
                "not_found", "no such file in storage: nowhere/contract.pdf");
        assertError(api.postJson("/api/v1/pipelines/image-analysis", "{\"image_path\": \"" + inStorage("doc.pdf", "%PDF-1.7") + "\"}"),
                415, "unsupported_format", "image-analysis takes an image");
        assertThat(historyTotal()).as("runs recorded").isEqualTo(before);
    }

    @Test
    void wrongContentTypesAre415AndUnsupportedUploadsAreNotKept() throws IOException {
        assertError(api.post("/api/v1/pipelines/document", "text/plain", "contract.pdf".getBytes(StandardCharsets.UTF_8)), 415,
                "unsupported_media_type", "text/plain");
        long files = storedFiles();
        assertError(api.postFile("/api/v1/files", "notes.pdf", "just some text".getBytes(StandardCharsets.UTF_8)), 415,
                "unsupported_format", "notes.pdf is neither");
        assertError(api.postFile("/api/v1/pipelines/image-analysis", "scan.pdf", "%PDF-1.7\n".getBytes(StandardCharsets.UTF_8)), 415,
                "unsupported_format", "scan.pdf is a PDF");
        assertThat(storedFiles()).as("files in storage").isEqualTo(files);
    }

    @Test
    void anUploadOverTheLimitIs413AndLeavesNothing() throws Exception {
        long files = storedFiles();
        String boundary = "----limit" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"huge.pdf\"\r\n"
                + "Content-Type: application/pdf\r\n\r\n%PDF-1.7\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        long padding = maxFileSize.toBytes() + 64 * 1024;
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/files"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(new SequenceInputStream(
                        new ByteArrayInputStream(head), new Zeros(padding)), new ByteArrayInputStream(tail))))
                .timeout(Duration.ofSeconds(120)).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertError(new ApiClient.Response(response.statusCode(), response.body()), 413, "too_large", "size limit");
        assertThat(storedFiles()).isEqualTo(files);
    }

    @Test
    void cancellingTwiceAndRetryingASuccessAre409() {
        String sleeping = startWorkflow("{\"task\": \"core.sleep\", \"args\": {\"ms\": 30000}}");
        ApiClient.Response cancelled = api.delete("/api/v1/pipelines/" + sleeping + "/cancel");
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        assertThat(cancelled.json().path("data").path("status").asString()).isEqualTo("CANCELLED");
        assertError(api.delete("/api/v1/pipelines/" + sleeping + "/cancel"), 409, "conflict", "is CANCELLED and cannot be cancelled");

        String done = startWorkflow("{\"task\": \"core.echo\"}");
        assertThat(pipelines.awaitEnd(done).path("status").asString()).isEqualTo("SUCCESS");
        assertError(api.post("/api/v1/pipelines/" + done + "/retry", "application/json", new byte[0]), 409, "conflict",
                "only a FAILURE can be retried");
        assertError(api.delete("/api/v1/pipelines/" + done + "/cancel"), 409, "conflict", "is SUCCESS");

        String failing = startWorkflow("{\"task\": \"core.fail\", \"args\": {\"times\": 1, \"retryable\": false}}");
        assertThat(pipelines.awaitEnd(failing).path("status").asString()).isEqualTo("FAILURE");
        ApiClient.Response retried = api.post("/api/v1/pipelines/" + failing + "/retry", "application/json", new byte[0]);
        assertThat(retried.status()).as(retried.body()).isEqualTo(202);
        assertThat(pipelines.awaitEnd(failing).path("status").asString()).isEqualTo("SUCCESS");
    }

    @Test
    void aRepeatedRequestIdAnswersTheRunItStartedAndAnyPipelineStartsByName() throws IOException {
        String image = inStorage("line.png", "Quarterly figures");
        String requestId = "api-" + UUID.randomUUID();
        ApiClient.Response first = api.postJson("/api/v1/pipelines/document",
                "{\"document_path\": \"" + image + "\", \"request_id\": \"" + requestId + "\"}");
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        String chainId = first.json().path("data").path("chain_id").asString();
        started.add(chainId);
        assertThat(first.json().path("data").path("existing").asBoolean()).isFalse();
        ApiClient.Response again = api.postJson("/api/v1/pipelines/document",
                "{\"document_path\": \"" + image + "\", \"request_id\": \"" + requestId + "\"}");
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().path("data").path("chain_id").asString()).isEqualTo(chainId);
        assertThat(again.json().path("data").path("existing").asBoolean()).isTrue();

        ApiClient.Response byName = api.postJson("/api/v1/pipelines/parallel", "{\"image_path\": \"" + image + "\"}");
        assertThat(byName.status()).as(byName.body()).isEqualTo(202);
        started.add(byName.json().path("data").path("chain_id").asString());
        ApiClient.Response upload = api.postFile("/api/v1/files", "line.png",
                Files.readAllBytes(storage.resolve(image)));
        assertThat(upload.status()).isEqualTo(201);
        assertThat(upload.json().path("data").path("media_type").asString()).isEqualTo("image/png");
        assertThat(storage.resolve(upload.json().path("data").path("path").asString())).isRegularFile();
    }

    @Test
    void historyIsPagedFilteredAndChecksItsParameters() {
        String done = startWorkflow("{\"task\": \"core.echo\"}");
        pipelines.awaitEnd(done);
        JsonNode page = api.get("/api/v1/pipelines/history?pipeline=workflow&status=SUCCESS&size=1").json().path("data");
        assertThat(page.path("items")).hasSize(1);
        assertThat(page.path("size").asInt()).isEqualTo(1);
        assertThat(page.path("total").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(page.path("items").get(0).path("status").asString()).isEqualTo("SUCCESS");
        assertError(api.get("/api/v1/pipelines/history?status=DONE"), 400, "invalid_input", "status must be one of");
        assertError(api.get("/api/v1/pipelines/history?size=0"), 400, "invalid_input", "size between 1 and 200");
        assertError(api.get("/api/v1/pipelines/history?size=abc"), 400, "invalid_input", "size");
    }

    @Test
    void historyFindsRunsByChainIdRequestIdSourceSeveralStatusesAndTimeAndNamesABadParameter() {
        Instant before = Instant.now().minusSeconds(1);
        String requestId = "search-" + UUID.randomUUID();
        ApiClient.Response start = api.postJson("/api/v1/workflows",
                "{\"canvas\": {\"task\": \"core.echo\"}, \"request_id\": \"" + requestId + "\"}");
        assertThat(start.status()).as(start.body()).isEqualTo(202);
        String succeeded = start.json().path("data").path("chain_id").asString();
        started.add(succeeded);
        String failed = startWorkflow("{\"task\": \"core.fail\", \"args\": {\"retryable\": false}}");
        pipelines.awaitEnd(succeeded);
        pipelines.awaitEnd(failed);

        JsonNode byRequest = history("request_id=" + requestId);
        assertThat(byRequest.path("total").asLong()).isEqualTo(1);
        assertThat(byRequest.path("items").get(0).path("chain_id").asString()).isEqualTo(succeeded);
        assertThat(byRequest.path("items").get(0).path("request_id").asString()).isEqualTo(requestId);

        String prefix = failed.substring(0, 8);
        assertThat(chainIds(history("chain_id=" + prefix))).contains(failed).allMatch(id -> id.startsWith(prefix));

        String since = "created_from=" + before + "&size=200";
        List<String> both = chainIds(history("status=SUCCESS,FAILURE&" + since));
        assertThat(both).contains(succeeded, failed);
        assertThat(chainIds(history("status=SUCCESS&status=FAILURE&" + since))).as("repeated, not comma-separated")
                .isEqualTo(both);
        assertThat(history("status=FAILURE,SUCCESS&" + since).path("items")).extracting(run -> run.path("status").asString())
                .containsOnly("SUCCESS", "FAILURE");
        assertThat(chainIds(history("status=FAILURE&" + since))).contains(failed).doesNotContain(succeeded);

        assertThat(chainIds(history("source=rest&chain_id=" + succeeded))).containsExactly(succeeded);
        assertThat(history("source=kafka&chain_id=" + succeeded).path("total").asLong()).isZero();
        assertThat(history("created_to=" + before + "&chain_id=" + succeeded).path("total").asLong()).isZero();
        assertThat(chainIds(history("created_from=" + before + "&created_to=" + Instant.now().plusSeconds(60)
                + "&pipeline=workflow&chain_id=" + succeeded))).containsExactly(succeeded);

        assertError(api.get("/api/v1/pipelines/history?status=SUCCESS,DONE"), 400, "invalid_input", "status must be one of");
        assertError(api.get("/api/v1/pipelines/history?chain_id=abc%25"), 400, "invalid_input", "chain_id must be");
        assertError(api.get("/api/v1/pipelines/history?source=ftp"), 400, "invalid_input", "source must be one of");
        assertError(api.get("/api/v1/pipelines/history?created_from=yesterday"), 400, "invalid_input",
                "created_from must be an ISO-8601 instant");
        assertError(api.get("/api/v1/pipelines/history?created_to=2026-12-05"), 400, "invalid_input", "created_to must be");
        assertError(api.get("/api/v1/pipelines/history?created_from=" + before + "&created_to=" + before), 400,
                "invalid_input", "created_from must be before created_to");
        assertError(api.get("/api/v1/pipelines/history?request_id=" + "x".repeat(201)), 400, "invalid_input", "request_id");
    }

    private JsonNode history(String query) {
        ApiClient.Response response = api.get("/api/v1/pipelines/history?" + query);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().path("data");
    }

    private static List<String> chainIds(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("items").forEach(run -> ids.add(run.path("chain_id").asString()));
        return ids;
    }

    private long historyTotal() {
        return api.get("/api/v1/pipelines/history?size=1").json().path("data").path("total").asLong();
    }

    /** {@code n} zero bytes, without holding them in memory. */
    private static final class Zeros extends InputStream {
        private long left;

        Zeros(long n) {
            this.left = n;
        }

        @Override
        public int read() {
            return left-- > 0 ? 0 : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            Arrays.fill(b, off, off + n, (byte) 0);
            left -= n;
            return n;
        }
    }
}

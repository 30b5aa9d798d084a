package ai.pipeline.orchestration.api;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.orchestration.pipelines.TestInputs;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /api/v1/files?path=…} in the running application, on real storage: what the API hands
 * out as a path (an upload, a run's stored result and normalised image) comes back byte for byte
 * with its media type; paths that leave storage, name a directory or nothing are 400 and 404 in the
 * error envelope.
 */
@AppTest
class FileDownloadIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    Storage storage;

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(port);
    }

    private HttpResponse<byte[]> download(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/files?path="
                + URLEncoder.encode(path, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(30)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    private void assertError(HttpResponse<byte[]> response, int status, String code, String message) {
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(response.statusCode()).as(body).isEqualTo(status);
        assertThat(header(response, "Content-Type")).startsWith("application/json");
        JsonNode json = JSON.readTree(body);
        assertThat(json.path("success").asBoolean()).isFalse();
        assertThat(json.path("error").path("code").asString()).isEqualTo(code);
        assertThat(json.path("error").path("message").asString()).contains(message);
    }

    private Path inStorage(String name, byte[] content) throws IOException {
        Path dir = Files.createDirectories(storage.root().resolve("download-test").resolve(UUID.randomUUID().toString()));
        return Files.write(dir.resolve(name), content);
    }

    @Test
    void anUploadComesBackByteForByteWithItsMediaTypeAndARangeGetsItsPart() throws Exception {
        byte[] png = Files.readAllBytes(TestInputs.textPng(tmp.resolve("receipt.png"), "Receipt 7"));
        String path = api.postFile("/api/v1/files", "receipt.png", png).json().path("data").path("path").asString();

        HttpResponse<byte[]> whole = download(path);

        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(header(whole, "Content-Type")).isEqualTo("image/png");
        assertThat(header(whole, "Content-Disposition")).startsWith("inline").contains("receipt.png");
        assertThat(header(whole, "X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(whole.body()).isEqualTo(png);

        HttpResponse<byte[]> part = download(path, "Range", "bytes=1-3");

        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(header(part, "Content-Range")).isEqualTo("bytes 1-3/" + png.length);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(png, 1, 4));
    }

    @Test
    void jsonAndTextAreServedByNameAndAnythingElseAsAnOctetStreamAttachment() throws Exception {
        byte[] json = "{\"summary\": \"Käse\"}".getBytes(StandardCharsets.UTF_8);
        byte[] html = "<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8);

        HttpResponse<byte[]> result = download(storage.relativize(inStorage("result.json", json)));
        HttpResponse<byte[]> text = download(storage.relativize(inStorage("notes.txt", "ok".getBytes(StandardCharsets.UTF_8))));
        HttpResponse<byte[]> page = download(storage.relativize(inStorage("page.html", html)));
        HttpResponse<byte[]> empty = download(storage.relativize(inStorage("empty.bin", new byte[0])));

        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(header(result, "Content-Type")).isEqualTo("application/json");
        assertThat(result.body()).isEqualTo(json);
        assertThat(header(text, "Content-Type")).isEqualTo("text/plain;charset=UTF-8");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(header(page, "Content-Type")).isEqualTo("application/octet-stream");
        assertThat(header(page, "Content-Disposition")).startsWith("attachment").contains("page.html");
        assertThat(page.body()).isEqualTo(html);
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(empty.body()).isEmpty();
    }

    @Test
    void theResultFileAndNormalisedImageOfARunCanBeFetched() throws Exception {
        byte[] png = Files.readAllBytes(TestInputs.textPng(tmp.resolve("memo.png"), "Memo: the meeting moved to Friday."));
        String image = api.postFile("/api/v1/files", "memo.png", png).json().path("data").path("path").asString();
        Pipelines pipelines = new Pipelines(api);
        ApiClient.Response started = api.postJson("/api/v1/pipelines/ai-pipeline", "{\"image_path\": \"" + image + "\"}");
        assertThat(started.status()).as(started.body()).isEqualTo(202);

        JsonNode run = pipelines.awaitEnd(started.json().path("data").path("chain_id").asString(), Duration.ofSeconds(120));
        assertThat(run.path("status").asString()).as(run.toString()).isEqualTo("SUCCESS");
        JsonNode result = run.path("result");

        HttpResponse<byte[]> stored = download(result.path("result_path").asString());
        assertThat(stored.statusCode()).isEqualTo(200);
        assertThat(header(stored, "Content-Type")).isEqualTo("application/json");
        assertThat(JSON.readTree(stored.body()).path("text").asString()).isEqualTo(result.path("text").asString());
        HttpResponse<byte[]> normalised = download(result.path("image").path("path").asString());
        assertThat(normalised.statusCode()).isEqualTo(200);
        assertThat(header(normalised, "Content-Type")).isEqualTo("image/png");
    }

    @Test
    void theOpenApiDocumentListsTheDownloadWithItsParameterAndStatuses() {
        JsonNode operation = api.get("/v3/api-docs").json().path("paths").path("/api/v1/files").path("get");

        assertThat(operation.path("parameters").get(0).path("name").asString()).isEqualTo("path");
        assertThat(operation.path("parameters").get(0).path("in").asString()).isEqualTo("query");
        assertThat(operation.path("parameters").get(0).path("required").asBoolean()).isTrue();
        assertThat(operation.path("responses").propertyNames()).containsExactlyInAnyOrder("200", "206", "400", "404");
        assertThat(operation.at("/responses/200/content/application~1octet-stream/schema/format").asString()).isEqualTo("binary");
        assertThat(operation.at("/responses/404/content/application~1json/schema/$ref").asString())
                .endsWith(OpenApiDocument.ERROR_SCHEMA);
    }

    @Test
    void pathsOutsideStorageDirectoriesAndMissingFilesAreErrorsInTheEnvelope() throws Exception {
        Path link = storage.root().resolve("download-test-link-" + UUID.randomUUID() + ".json");
        Files.createSymbolicLink(link, Files.writeString(tmp.resolve("secret.json"), "{\"secret\": true}"));
        Path directory = inStorage("x.txt", new byte[1]).getParent();

        assertError(download("../../../etc/passwd"), 400, "invalid_input", "outside the storage root");
        assertError(download("uploads/../../secret.json"), 400, "invalid_input", "outside the storage root");
        assertError(download("/etc/passwd"), 400, "invalid_input", "outside the storage root");
        assertError(download(link.getFileName().toString()), 400, "invalid_input", "leads outside the storage root");
        assertError(download(storage.relativize(directory)), 400, "invalid_input", "not a file");
        assertError(download(""), 400, "invalid_input", "path is empty");
        assertError(download("results/2026-01-31/no-such-run.json"), 404, "not_found",
                "no such file in storage: results/2026-01-31/no-such-run.json");
        HttpResponse<byte[]> noParameter = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/v1/files")).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertError(noParameter, 400, "invalid_input", "path");
    }
}

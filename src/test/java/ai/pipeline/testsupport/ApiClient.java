package ai.pipeline.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A plain HTTP client for tests against the running application: real requests, JSON answers. */
public final class ApiClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String base;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ApiClient(int port) {
        this("http://127.0.0.1:" + port, null);
    }

    private ApiClient(String base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    /** The same application, every request carrying {@code key} in {@code X-API-Key}. */
    public ApiClient withApiKey(String key) {
        return new ApiClient(base, key);
    }

    public record Response(int status, String body) {

        /** Asserts an error answer: this status, {@code success: false}, this error code and a message containing {@code message}. */
        public void assertError(int status, String code, String message) {
            org.assertj.core.api.Assertions.assertThat(this.status).as(body).isEqualTo(status);
            org.assertj.core.api.Assertions.assertThat(json().path("success").asBoolean()).as(body).isFalse();
            org.assertj.core.api.Assertions.assertThat(json().path("error").path("code").asString()).isEqualTo(code);
            org.assertj.core.api.Assertions.assertThat(json().path("error").path("message").asString()).contains(message);
        }

        public JsonNode json() {
            return JSON.readTree(body);
        }
    }

    /** This application's address of {@code path}, e.g. {@code http://127.0.0.1:8080/api/v1/tasks}. */
    public URI uri(String path) {
        return URI.create(base + path);
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public Response delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    public Response postJson(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response post(String path, String contentType, byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** multipart/form-data with one {@code file} part and optional text fields given as name, value pairs. */
    public Response postFile(String path, String fileName, byte[] content, String... fields) {
        String boundary = "----test" + UUID.randomUUID();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            for (int i = 0; i + 1 < fields.length; i += 2) {
                out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fields[i] + "\"\r\n\r\n"
                        + fields[i + 1] + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(content);
            out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return post(path, "multipart/form-data; boundary=" + boundary, out.toByteArray());
    }

    public Response postFile(String path, Path file, String... fields) {
        try {
            return postFile(path, file.getFileName().toString(), Files.readAllBytes(file), fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a request built by the caller (for headers the methods above do not set). */
    public Response send(HttpRequest.Builder request) {
        if (apiKey != null) {
            request.header("X-API-Key", apiKey);
        }
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(120)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package ai.pipeline.shared.api;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.testsupport.AppTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * HTTP errors are the API's own at every layer: what Tomcat refuses before any servlet runs, what
 * Spring MVC refuses before a handler, and what a REST DSL bean refuses each answer the JSON error
 * envelope with a 4xx, never an HTML page, and no message names a class. Raw sockets, so the requests
 * can be as malformed as a hostile client makes them.
 */
@AppTest
class HttpErrorsIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Value("${app.storage.max-file-size}")
    DataSize maxFileSize;

    private record Answer(int status, String contentType, JsonNode body) {
    }

    @Test
    void anEncodedNulOrABadEscapeInThePathIs400InTheEnvelope() throws IOException {
        assertEnvelope(raw("GET /api/v1/pipelines/%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 400, "invalid_input");
        assertEnvelope(raw("GET /api/v1/pipelines/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 400, "invalid_input");
    }

    @Test
    void anEncodedNulInAParameterIs400NamingIt() throws IOException {
        Answer answer = raw("GET /api/v1/pipelines/history?pipeline=a%00b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertEnvelope(answer, 400, "invalid_input");
        assertThat(answer.body().at("/error/message").asString()).contains("pipeline").contains("NUL");
    }

    @Test
    void anOversizedHeaderOrRequestLineIs431InTheEnvelope() throws IOException {
        String big = "a".repeat(20_000);
        assertEnvelope(raw("GET /api/v1/tasks HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\nConnection: close\r\n\r\n"),
                431, "headers_too_large");
        assertEnvelope(raw("GET /api/v1/tasks?x=" + big + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                431, "headers_too_large");
    }

    @Test
    void aMalformedMultipartBodyIs400InTheEnvelope() throws IOException {
        String body = "--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\nabc";   // never closed
        assertEnvelope(raw("POST /api/v1/files HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Content-Type: multipart/form-data; boundary=XX\r\nContent-Length: " + body.length() + "\r\n\r\n" + body),
                400, "invalid_input");
    }

    @Test
    void anEmptyOrWronglyShapedBodyNamesNoClass() throws IOException {
        for (String body : new String[] {"", "[]", "{\"canvas\": {\"task\": [1]}, \"request_id\": [1]}"}) {
            Answer answer = raw("POST /api/v1/workflows HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            assertEnvelope(answer, 400, "invalid_input");
            assertThat(answer.body().at("/error/message").asString()).as(body).startsWith("malformed request body");
        }
    }

    @Test
    void aClientThatAcceptsOnlyHtmlStillGetsTheEnvelope() throws IOException {
        assertEnvelope(raw("GET /api/v1/tasks HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nConnection: close\r\n\r\n"),
                406, "not_acceptable");
    }

    @Test
    void anUploadOverTheLimitIs413AnsweredWithoutResettingTheConnection() throws Exception {
        long size = maxFileSize.toBytes() + DataSize.ofMegabytes(1).toBytes();
        String boundary = "----over-the-limit";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.png\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        Supplier<InputStream> body = () -> new java.io.SequenceInputStream(java.util.Collections.enumeration(
                java.util.List.of(new java.io.ByteArrayInputStream(head), zeros(size), new java.io.ByteArrayInputStream(tail))));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        // an IOException here (connection reset while sending) is what this test is about
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/files"))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(body),
                        head.length + size + tail.length))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(response.body()).at("/error/code").asString()).isEqualTo("too_large");
    }

    private static InputStream zeros(long size) {
        return new InputStream() {
            private long left = size;

            @Override
            public int read() {
                return left-- > 0 ? 0 : -1;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(length, left);
                java.util.Arrays.fill(buffer, offset, offset + n, (byte) 0);
                left -= n;
                return n;
            }
        };
    }

    private static void assertEnvelope(Answer answer, int status, String code) {
        assertThat(answer.status()).as("%s", answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/json");
        assertThat(answer.body().path("success").asBoolean(true)).isFalse();
        assertThat(answer.body().at("/error/code").asString()).isEqualTo(code);
        String message = answer.body().at("/error/message").asString();
        assertThat(message).isNotBlank().doesNotContain("ai.pipeline").doesNotContain("org.").doesNotContain("java.")
                .doesNotContain("Exception");
    }

    /** Sends the bytes as they are and reads the answer to the end (every request here closes the connection). */
    private Answer raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            String head = text.substring(0, split);
            String body = text.substring(split + 4);
            if (head.toLowerCase().contains("transfer-encoding: chunked")) {
                body = dechunk(body);
            }
            int status = Integer.parseInt(head.substring(9, 12));
            String contentType = head.lines().filter(l -> l.toLowerCase().startsWith("content-type:"))
                    .map(l -> l.substring(13).trim()).findFirst().orElse("");
            return new Answer(status, contentType, JSON.readTree(body));
        }
    }

    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int length = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
            if (length == 0) {
                return out.toString();
            }
            out.append(chunked, lineEnd + 2, lineEnd + 2 + length);
            at = lineEnd + 2 + length + 2;
        }
    }
}

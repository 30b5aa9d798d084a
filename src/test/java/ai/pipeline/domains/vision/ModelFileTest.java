package ai.pipeline.domains.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.testsupport.SharedTestData;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model files from a path or a URL, served here by a real local HTTP server. */
class ModelFileTest {

    @TempDir
    Path tmp;

    HttpServer server;
    final AtomicInteger downloads = new AtomicInteger();
    byte[] model;

    @BeforeEach
    void serveTheModel() throws IOException {
        model = Files.readAllBytes(SharedTestData.file("models/yolox_nano.onnx"));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/releases/yolox_nano.onnx", exchange -> {
            downloads.incrementAndGet();
            exchange.sendResponseHeaders(200, model.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(model);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aUrlIsDownloadedOnceVerifiedAndReused() {
        Path models = tmp.resolve("models");

        Path first = ModelFile.resolve(url("/releases/yolox_nano.onnx"), VisionProperties.DEFAULT_MODEL_SHA256, models);
        Path second = ModelFile.resolve(url("/releases/yolox_nano.onnx"), VisionProperties.DEFAULT_MODEL_SHA256, models);

        assertThat(first).isEqualTo(models.resolve("yolox_nano.onnx")).isEqualTo(second);
        assertThat(ModelFile.sha256(first)).isEqualTo(VisionProperties.DEFAULT_MODEL_SHA256);
        assertThat(downloads).hasValue(1);
        assertThat(models).isDirectoryNotContaining("glob:**.part");
    }

    @Test
    void aDownloadWithTheWrongHashIsRefusedAndNotKept() {
        Path models = tmp.resolve("models");
        String wrong = "0".repeat(64);

        assertThatThrownBy(() -> ModelFile.resolve(url("/releases/yolox_nano.onnx"), wrong, models))
                .hasMessageContaining("has sha256 " + VisionProperties.DEFAULT_MODEL_SHA256)
                .hasMessageContaining("expected " + wrong);
        assertThat(models).isEmptyDirectory();
    }

    @Test
    void aMissingUrlSaysHttp404() {
        assertThatThrownBy(() -> ModelFile.resolve(url("/releases/missing.onnx"), "", tmp))
                .hasMessageContaining("HTTP 404");
    }

    @Test
    void aLocalPathIsUsedAsItIs() {
        Path local = SharedTestData.file("models/yolox_nano.onnx");
        assertThat(ModelFile.resolve(local.toString(), "ignored for local files", tmp)).isEqualTo(local);
        assertThatThrownBy(() -> ModelFile.resolve(tmp.resolve("missing.onnx").toString(), "", tmp))
                .hasMessageContaining("model file not found");
    }

    @Test
    void fileNamesComeFromTheUrlAndAreSafe() {
        assertThat(ModelFile.fileName(URI.create("https://example.org/a/yolox_s.onnx?x=1"))).isEqualTo("yolox_s.onnx");
        assertThat(ModelFile.fileName(URI.create("https://example.org/"))).isEqualTo("model.onnx");
        assertThat(ModelFile.fileName(URI.create("https://example.org/a/..%2F..%2Fetc"))).doesNotContain("/");
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }
}

package ai.pipeline.domains.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.domains.vision.DetectionResult.DetectedObject;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.TaskDefinition;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.TestTaskContext;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The vision endpoints, tasks and health in the running application, on the real model. */
@AppTest
class VisionIT {

    @LocalServerPort
    int port;

    @Autowired
    Storage storage;

    @Autowired
    List<TaskDefinition> tasks;

    @Autowired
    Environment environment;

    @Autowired
    JsonMapper json;

    ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(port);
        await().atMost(Duration.ofSeconds(60)).until(() -> "UP".equals(visionHealth().path("status").asString()));
    }

    @Test
    void healthShowsVisionUpWithoutMakingReadinessDependOnIt() {
        JsonNode vision = visionHealth();
        assertThat(vision.path("details").path("model").asString()).contains("yolox_nano.onnx", "416x416");
        assertThat(api.get("/readyz").json().path("components").has("vision")).isFalse();
        // the test-only application.properties adds the model path; the main application.yml still applies
        assertThat(environment.getProperty("app.vision.model")).isEqualTo("../shared/models/yolox_nano.onnx");
        assertThat(environment.getProperty("app.vision.score-threshold")).isEqualTo("0.3");
        assertThat(environment.getProperty("management.endpoint.health.group.readiness.include"))
                .isEqualTo("readinessState,db,kafka,consumers");
    }

    @Test
    void detectsObjectsInAnUpload() {
        ApiClient.Response response = api.postFile("/api/v1/vision/detect", DogPhoto.file());

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode data = response.json().path("data");
        DogPhoto.assertFound(objects(data), data.path("width").asInt(), data.path("height").asInt());
        assertThat(data.path("thresholds").path("score").asDouble()).isEqualTo(0.3);
        assertThat(data.path("thresholds").path("iou").asDouble()).isEqualTo(0.45);
        JsonNode provenance = data.path("provenance");
        assertThat(provenance.path("engine").asString()).isEqualTo("onnxruntime");
        assertThat(provenance.path("model").asString()).isEqualTo("yolox_nano.onnx");
        assertThat(provenance.path("details").path("sha256").asString()).isEqualTo(VisionProperties.DEFAULT_MODEL_SHA256);
        assertThat(provenance.path("details").path("timing_ms").has("inference")).isTrue();
        assertThat(provenance.has("duration_ms")).isTrue();
    }

    @Test
    void thresholdsComeWithTheRequest() {
        ApiClient.Response response = api.postFile("/api/v1/vision/detect", DogPhoto.file(),
                "score_threshold", "0.7", "iou_threshold", "0.5");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode data = response.json().path("data");
        assertThat(data.path("thresholds").path("score").asDouble()).isEqualTo(0.7);
        assertThat(data.path("thresholds").path("iou").asDouble()).isEqualTo(0.5);
        assertThat(objects(data)).isNotEmpty().allSatisfy(o -> assertThat(o.score()).isGreaterThanOrEqualTo(0.7));
    }

    @Test
    void detectsObjectsInAStoredImageNamedByPath() throws Exception {
        String path = storeDogPhoto();

        ApiClient.Response response = api.postJson("/api/v1/vision/detect",
                "{\"path\": \"" + path + "\", \"score_threshold\": 0.5}");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode data = response.json().path("data");
        DogPhoto.assertFound(objects(data), data.path("width").asInt(), data.path("height").asInt());
        assertThat(data.path("thresholds").path("score").asDouble()).isEqualTo(0.5);
    }

    @Test
    void annotateAnswersThePng() throws Exception {
        HttpResponse<byte[]> response = postBinary("/api/v1/vision/annotate", Files.readAllBytes(DogPhoto.file()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(response.headers().firstValue("X-Detected-Objects")).hasValue("4");
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(response.body()));
        assertThat(png.getWidth()).isEqualTo(DogPhoto.WIDTH);
        assertThat(png.getHeight()).isEqualTo(DogPhoto.HEIGHT);
    }

    @Test
    void badInputsGet4xxWithAClearMessage() throws Exception {
        byte[] text = "just some text, not an image".getBytes(StandardCharsets.UTF_8);
        byte[] corrupt = new byte[4096];
        corrupt[0] = (byte) 0xFF;
        corrupt[1] = (byte) 0xD8;
        corrupt[2] = (byte) 0xFF;
        for (int i = 3; i < corrupt.length; i++) {
            corrupt[i] = (byte) (i * 31);
        }

        assertError(api.postFile("/api/v1/vision/detect", "empty.jpg", new byte[0]), 400, "the file is empty");
        assertError(api.postFile("/api/v1/vision/detect", "broken.jpg", corrupt), 400, "the image is corrupt");
        assertError(api.postFile("/api/v1/vision/detect", "notes.jpg", text), 415, "not a supported image");
        assertError(api.postFile("/api/v1/vision/detect", "bomb.png", pngHeaderOnly(60_000, 60_000)), 413,
                "the image is 60000x60000 pixels; the limit is 40000000 pixels");
        assertError(api.postFile("/api/v1/vision/annotate", "notes.jpg", text), 415, "not a supported image");
        assertError(api.postFile("/api/v1/vision/detect", DogPhoto.file(), "score_threshold", "1.5"), 400,
                "score_threshold must be between 0 and 1");
        assertError(api.postFile("/api/v1/vision/detect", DogPhoto.file(), "iou_threshold", "lots"), 400, "iou_threshold");
        assertError(api.postJson("/api/v1/vision/detect", "{}"), 400, "missing \"path\"");
        assertError(api.postJson("/api/v1/vision/detect", "{\"path\": \"../../etc/passwd\"}"), 400, "outside the storage root");
        assertError(api.postJson("/api/v1/vision/detect", "{\"path\": \"no/such.jpg\"}"), 404, "no such file in storage");
    }

    @Test
    void detectObjectsTaskReadsThePathFromArgsOrInput() throws Exception {
        String path = storeDogPhoto();
        TaskDefinition detect = task("vision.detect_objects");

        DetectionResult fromArgs = (DetectionResult) detect.run(new TestTaskContext(Map.of("path", path), null));
        DetectionResult fromInput = (DetectionResult) detect.run(
                new TestTaskContext(Map.of("score_threshold", 0.5), Map.of("image_path", path)));

        DogPhoto.assertFound(fromArgs.objects(), fromArgs.width(), fromArgs.height());
        DogPhoto.assertFound(fromInput.objects(), fromInput.width(), fromInput.height());
        assertThat(fromInput.thresholds().score()).isEqualTo(0.5);
        JsonNode serialised = json.readTree(json.writeValueAsString(fromArgs));
        assertThat(serialised.path("objects").get(0).path("box").size()).isEqualTo(4);
        assertThat(serialised.path("provenance").has("duration_ms")).isTrue();
    }

    @Test
    void annotateTaskWritesThePngIntoStorage() throws Exception {
        String path = storeDogPhoto();

        AnnotationResult result = (AnnotationResult) task("vision.annotate")
                .run(new TestTaskContext(Map.of("path", path), null));

        assertThat(result.path()).startsWith("annotated/").endsWith(".png");
        Path written = storage.resolve(result.path());
        BufferedImage png = ImageIO.read(written.toFile());
        assertThat(png.getWidth()).isEqualTo(DogPhoto.WIDTH);
        DogPhoto.assertFound(result.objects(), result.width(), result.height());
    }

    private JsonNode visionHealth() {
        return api.get("/actuator/health").json().path("components").path("vision");
    }

    private TaskDefinition task(String name) {
        return tasks.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    private String storeDogPhoto() throws Exception {
        Path dir = storage.root().resolve("vision-it");
        Files.createDirectories(dir);
        Files.copy(DogPhoto.file(), dir.resolve("dog.jpg"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return "vision-it/dog.jpg";
    }

    private static List<DetectedObject> objects(JsonNode data) {
        List<DetectedObject> objects = new ArrayList<>();
        for (JsonNode object : data.path("objects")) {
            double[] box = StreamSupport.stream(object.path("box").spliterator(), false).mapToDouble(JsonNode::asDouble).toArray();
            objects.add(new DetectedObject(object.path("label").asString(), object.path("score").asDouble(), box));
        }
        return objects;
    }

    private static void assertError(ApiClient.Response response, int status, String message) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.json().path("success").asBoolean()).isFalse();
        assertThat(response.json().path("error").path("message").asString()).contains(message);
    }

    /** Multipart upload whose answer is binary (ApiClient reads answers as text). */
    private HttpResponse<byte[]> postBinary(String path, byte[] image) throws Exception {
        String boundary = "----vision-it";
        ByteBuffer head = StandardCharsets.UTF_8.encode("--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"dog.jpg\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n");
        ByteBuffer tail = StandardCharsets.UTF_8.encode("\r\n--" + boundary + "--\r\n");
        byte[] body = ByteBuffer.allocate(head.remaining() + image.length + tail.remaining())
                .put(head).put(image).put(tail).array();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A PNG signature and IHDR chunk declaring a size, with no pixel data at all. */
    private static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer png = ByteBuffer.allocate(8 + 25);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        png.putInt(13).put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(png.array(), 12, 17);
        png.putInt((int) crc.getValue());
        return png.array();
    }

}

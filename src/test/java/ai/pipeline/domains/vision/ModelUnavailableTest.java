package ai.pipeline.domains.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.shared.task.TaskFailure;
import ai.pipeline.testsupport.SharedTestData;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * A model that cannot be loaded leaves the detector answering 503 with the reason, and health DEGRADED
 * for {@code vision} only; it never throws at construction (the application keeps starting).
 */
class ModelUnavailableTest {

    @TempDir
    Path tmp;

    @Test
    void aMissingModelFileGives503AndHealthDown() {
        ObjectDetector detector = failedDetector(VisionProperties.forModel(tmp.resolve("nowhere/yolox.onnx").toString()));

        assertThatThrownBy(() -> detector.detect(DogPhoto.file(), detector.defaultThresholds()))
                .isInstanceOfSatisfying(TaskFailure.class, e -> {
                    assertThat(e.reason()).isEqualTo(TaskFailure.Reason.UNAVAILABLE);
                    assertThat(e.reason().httpStatus()).isEqualTo(503);
                })
                .hasMessageContaining("the vision model is not available")
                .hasMessageContaining("model file not found")
                .hasMessageContaining("APP_VISION_MODEL");

        Health health = new VisionHealthIndicator(detector).health();
        assertThat(health.getStatus()).isEqualTo(VisionHealthIndicator.DEGRADED);
        assertThat(health.getDetails()).containsEntry("state", "failed");
        assertThat((String) health.getDetails().get("error")).contains("model file not found");
    }

    @Test
    void anUnreachableModelUrlGivesTheReason() throws IOException {
        String url = "http://127.0.0.1:" + closedPort() + "/models/yolox_nano.onnx";
        ObjectDetector detector = failedDetector(VisionProperties.forModel(url));

        assertThat(detector.status().detail()).contains("cannot download the model from " + url);
        assertThatThrownBy(() -> detector.detect(DogPhoto.file(), detector.defaultThresholds()))
                .hasMessageContaining("cannot download");
    }

    @Test
    void labelsThatDoNotMatchTheModelAreRefused() throws IOException {
        Path labels = Files.writeString(tmp.resolve("79.txt"), "label\n".repeat(79));
        VisionProperties defaults = VisionProperties.forModel(SharedTestData.file("models/yolox_nano.onnx").toString());
        VisionProperties properties = new VisionProperties(defaults.model(), "", "yolox", labels.toString(), 1,
                defaults.maxPixels(), 0.3, 0.45);

        assertThat(failedDetector(properties).status().detail())
                .isEqualTo("the model predicts 80 classes but app.vision.labels has 79 labels");
    }

    @Test
    void anUnknownFamilyIsRefused() {
        VisionProperties defaults = VisionProperties.forModel(SharedTestData.file("models/yolox_nano.onnx").toString());
        VisionProperties properties = new VisionProperties(defaults.model(), "", "detr", defaults.labels(), 1,
                defaults.maxPixels(), 0.3, 0.45);

        assertThat(failedDetector(properties).status().detail()).isEqualTo("unknown app.vision.family 'detr'; known: yolox");
    }

    private ObjectDetector failedDetector(VisionProperties properties) {
        ObjectDetector detector = new ObjectDetector(properties, tmp.resolve("models"));
        assertThat(detector.awaitLoaded(Duration.ofSeconds(60)).state()).isEqualTo(ObjectDetector.State.FAILED);
        return detector;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

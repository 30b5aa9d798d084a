package ai.pipeline.domains.vision;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.domains.vision.DetectionResult.DetectedObject;
import ai.pipeline.shared.image.ImageFiles;
import ai.pipeline.testsupport.SharedTestData;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real YOLOX-Nano model on the shared photo, without Spring. */
class ObjectDetectorTest {

    @TempDir
    static Path tmp;

    static ObjectDetector detector;

    @BeforeAll
    static void loadModel() {
        String model = SharedTestData.file("models/yolox_nano.onnx").toString();
        detector = new ObjectDetector(VisionProperties.forModel(model), tmp.resolve("models"));
        assertThat(detector.awaitLoaded(Duration.ofSeconds(60)).state()).isEqualTo(ObjectDetector.State.READY);
    }

    @AfterAll
    static void close() {
        detector.close();
    }

    @Test
    void findsTheDogTheBicycleAndTheCar() {
        DetectionResult result = detector.detect(DogPhoto.file(), detector.defaultThresholds());

        DogPhoto.assertFound(result.objects(), result.width(), result.height());
        assertThat(result.objects()).extracting(DetectedObject::score).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        assertThat(result.thresholds()).isEqualTo(new Thresholds(0.3, 0.45));
        assertThat(result.provenance().engine()).isEqualTo("onnxruntime");
        assertThat(result.provenance().version()).isEqualTo("1.21.1");
        assertThat(result.provenance().model()).isEqualTo("yolox_nano.onnx");
        assertThat(result.provenance().details())
                .containsEntry("sha256", VisionProperties.DEFAULT_MODEL_SHA256)
                .containsEntry("family", "yolox")
                .containsEntry("input_size", "416x416");
        assertThat(result.provenance().details().get("timing_ms")).asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsOnlyKeys("decode", "preprocess", "inference", "postprocess");
    }

    @ParameterizedTest(name = "EXIF orientation {0}")
    @ValueSource(ints = {3, 6, 8})
    void aPhotoStoredTurnedWithAnExifOrientationGivesTheSameObjectsUpright(int orientation) throws Exception {
        BufferedImage upright = ImageIO.read(DogPhoto.file().toFile());
        Path turned = Files.write(tmp.resolve("turned-" + orientation + ".jpg"),
                ExifJpeg.storedWithOrientation(upright, orientation));
        assertThat(ImageFiles.exifOrientation(turned)).isEqualTo(orientation);
        if (orientation != 3) {
            assertThat(ImageFiles.dimensions(turned, 0)).containsExactly(DogPhoto.HEIGHT, DogPhoto.WIDTH);
        }

        DetectionResult result = detector.detect(turned, detector.defaultThresholds());

        DogPhoto.assertFound(result.objects(), result.width(), result.height());
    }

    @Test
    void thresholdsApplyPerRequest() {
        DetectionResult defaults = detector.detect(DogPhoto.file(), detector.defaultThresholds());
        DetectionResult strict = detector.detect(DogPhoto.file(), new Thresholds(0.7, 0.45));
        DetectionResult withoutSuppression = detector.detect(DogPhoto.file(), new Thresholds(0.3, 1.0));

        assertThat(strict.objects()).isNotEmpty().allSatisfy(o -> assertThat(o.score()).isGreaterThanOrEqualTo(0.7));
        assertThat(strict.objects()).hasSizeLessThan(defaults.objects().size());
        assertThat(strict.thresholds().score()).isEqualTo(0.7);
        // with IoU 1.0 nothing is suppressed: the head predicts each object from several grid cells
        assertThat(withoutSuppression.objects()).hasSizeGreaterThan(defaults.objects().size());
    }

    @Test
    void annotateDrawsEachObjectInItsLabelsColour() throws Exception {
        ObjectDetector.Annotated annotated = detector.annotate(DogPhoto.file(), detector.defaultThresholds());

        BufferedImage png = ImageIO.read(new ByteArrayInputStream(annotated.png()));
        assertThat(png.getWidth()).isEqualTo(DogPhoto.WIDTH);
        assertThat(png.getHeight()).isEqualTo(DogPhoto.HEIGHT);
        DetectedObject dog = annotated.result().objects().stream().filter(o -> o.label().equals("dog")).findFirst().orElseThrow();
        int leftEdge = (int) Math.round(dog.box()[0]);
        int middle = (int) Math.round((dog.box()[1] + dog.box()[3]) / 2);
        assertThat(distance(new Color(png.getRGB(leftEdge, middle)), Annotator.colourOf("dog"))).isLessThan(40);
    }

    private static double distance(Color a, Color b) {
        return Math.sqrt(Math.pow(a.getRed() - b.getRed(), 2) + Math.pow(a.getGreen() - b.getGreen(), 2)
                + Math.pow(a.getBlue() - b.getBlue(), 2));
    }
}

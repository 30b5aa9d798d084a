package ai.pipeline.domains.vision;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.domains.vision.DetectionResult.DetectedObject;
import ai.pipeline.testsupport.SharedTestData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The shared test photo {@code testdata/images/dog.jpg} (768×576) and what must be found on it.
 *
 * <p>"Near" means: each coordinate within 10% of the image dimension it measures — x1 and x2 within
 * 0.1 × width (76.8 px), y1 and y2 within 0.1 × height (57.6 px) of the reference box.
 */
final class DogPhoto {

    static final int WIDTH = 768;
    static final int HEIGHT = 576;
    static final Map<String, double[]> EXPECTED = Map.of(
            "dog", new double[] {133, 207, 326, 543},
            "bicycle", new double[] {57, 137, 572, 423},
            "car", new double[] {466, 78, 692, 171});
    static final double MIN_SCORE = 0.5;

    private DogPhoto() {
    }

    static Path file() {
        return SharedTestData.file("testdata/images/dog.jpg");
    }

    /** Dog, bicycle and car, each with score ≥ 0.5 and a box near the reference, in a 768×576 upright frame. */
    static void assertFound(List<DetectedObject> objects, int width, int height) {
        assertThat(width).isEqualTo(WIDTH);
        assertThat(height).isEqualTo(HEIGHT);
        EXPECTED.forEach((label, reference) -> assertThat(objects)
                .as("%s with score >= %s near %s", label, MIN_SCORE, java.util.Arrays.toString(reference))
                .anySatisfy(object -> {
                    assertThat(object.label()).isEqualTo(label);
                    assertThat(object.score()).isGreaterThanOrEqualTo(MIN_SCORE);
                    assertNear(object.box(), reference);
                }));
    }

    static void assertNear(double[] box, double[] reference) {
        double[] tolerance = {0.1 * WIDTH, 0.1 * HEIGHT, 0.1 * WIDTH, 0.1 * HEIGHT};
        for (int i = 0; i < 4; i++) {
            assertThat(box[i]).as("coordinate %d of %s", i, java.util.Arrays.toString(box))
                    .isBetween(reference[i] - tolerance[i], reference[i] + tolerance[i]);
        }
    }
}

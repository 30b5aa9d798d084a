package ai.pipeline.domains.vision;

import ai.pipeline.shared.task.Provenance;
import java.util.List;

/**
 * The objects found in one image: boxes {@code [x1, y1, x2, y2]} in pixels of the upright image
 * (after its EXIF orientation), strongest first, with the image size, the thresholds used and where
 * the result came from.
 */
public record DetectionResult(List<DetectedObject> objects, int width, int height, Thresholds thresholds,
        Provenance provenance) {

    public record DetectedObject(String label, double score, double[] box) {
    }
}

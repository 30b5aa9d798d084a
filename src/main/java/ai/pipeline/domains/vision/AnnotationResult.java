package ai.pipeline.domains.vision;

import ai.pipeline.shared.task.Provenance;
import java.util.List;

/** {@code vision.annotate}: where the annotated PNG was written in storage, and what was drawn on it. */
public record AnnotationResult(String path, List<DetectionResult.DetectedObject> objects, int width, int height,
        Thresholds thresholds, Provenance provenance) {
}

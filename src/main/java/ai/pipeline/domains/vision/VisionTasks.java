package ai.pipeline.domains.vision;

import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.TaskContext;
import ai.pipeline.shared.task.TaskFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The task handlers: the image comes from {@code path} (or {@code image_path}, {@code document_path})
 * in storage, thresholds from the optional {@code score_threshold} and {@code iou_threshold}.
 */
@Component
class VisionTasks {

    private static final String[] PATH_KEYS = {"path", "image_path", "document_path"};

    private final ObjectDetector detector;
    private final Storage storage;

    VisionTasks(ObjectDetector detector, Storage storage) {
        this.detector = detector;
        this.storage = storage;
    }

    DetectionResult detectObjects(TaskContext ctx) {
        ctx.cancellation().throwIfCancelled();
        return detector.detect(storage.resolve(ctx.requireString(PATH_KEYS)), thresholds(ctx));
    }

    /** Writes the annotated image to {@code annotated/<date>/<uuid>-<name>.png} in storage. */
    AnnotationResult annotate(TaskContext ctx) {
        ctx.cancellation().throwIfCancelled();
        Path image = storage.resolve(ctx.requireString(PATH_KEYS));
        ObjectDetector.Annotated annotated = detector.annotate(image, thresholds(ctx));
        Path dir = storage.root().resolve("annotated").resolve(LocalDate.now().toString());
        Path target = dir.resolve(UUID.randomUUID() + "-" + baseName(image) + ".png");
        try {
            Files.createDirectories(dir);
            Files.write(target, annotated.png());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
        DetectionResult result = annotated.result();
        return new AnnotationResult(storage.relativize(target), result.objects(), result.width(), result.height(),
                result.thresholds(), result.provenance());
    }

    private Thresholds thresholds(TaskContext ctx) {
        return Thresholds.of(number(ctx, "score_threshold"), number(ctx, "iou_threshold"), detector.defaultThresholds());
    }

    private static Double number(TaskContext ctx, String key) {
        Object value = ctx.param(key).orElse(null);
        if (value == null || value instanceof Number) {
            return value == null ? null : ((Number) value).doubleValue();
        }
        try {
            return Double.valueOf(value.toString().trim());
        } catch (NumberFormatException e) {
            throw TaskFailure.invalidInput(key + " must be a number, got '" + value + "'");
        }
    }

    /** The file name without its extension (upload names carry a uuid prefix already; keep them short). */
    private static String baseName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        return base.length() > 80 ? base.substring(base.length() - 80) : base;
    }
}

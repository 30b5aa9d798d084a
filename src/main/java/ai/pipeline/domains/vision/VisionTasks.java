package ai.pipeline.domains.vision;

import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.ArgumentValues;
import ai.pipeline.shared.task.TaskArgument;
import ai.pipeline.shared.task.TaskArguments;
import ai.pipeline.shared.task.TaskContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The task handlers and the arguments they declare: the image comes from {@code path} (or
 * {@code image_path}, {@code document_path}) in storage, thresholds from the optional
 * {@code score_threshold} and {@code iou_threshold}.
 */
@Component
class VisionTasks {

    private static final String[] PATH_KEYS = {"path", "image_path", "document_path"};

    /** The arguments both tasks take: the image, and thresholds that override the configured ones. */
    static final TaskArguments ARGUMENTS = TaskArguments.of(
            TaskArgument.string("path", "the image, a path in storage").orFromInput(),
            TaskArgument.string("image_path", "the same as path").orFromInput(),
            TaskArgument.string("document_path", "the same as path").orFromInput(),
            TaskArgument.number("score_threshold", "the lowest score of a reported object (default: "
                    + "app.vision.score-threshold)").between(0, 1),
            TaskArgument.number("iou_threshold", "the overlap above which the weaker of two boxes of a class is "
                    + "dropped (default: app.vision.iou-threshold)").between(0, 1));

    private final ObjectDetector detector;
    private final Storage storage;

    VisionTasks(ObjectDetector detector, Storage storage) {
        this.detector = detector;
        this.storage = storage;
    }

    DetectionResult detectObjects(TaskContext ctx, ArgumentValues args) {
        ctx.cancellation().throwIfCancelled();
        return detector.detect(storage.resolve(args.requireString(PATH_KEYS)), thresholds(args));
    }

    /** Writes the annotated image to {@code annotated/<date>/<uuid>-<name>.png} in storage. */
    AnnotationResult annotate(TaskContext ctx, ArgumentValues args) {
        ctx.cancellation().throwIfCancelled();
        Path image = storage.resolve(args.requireString(PATH_KEYS));
        ObjectDetector.Annotated annotated = detector.annotate(image, thresholds(args));
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

    private Thresholds thresholds(ArgumentValues args) {
        return Thresholds.of(args.number("score_threshold"), args.number("iou_threshold"), detector.defaultThresholds());
    }

    /** The file name without its extension (upload names carry a uuid prefix already; keep them short). */
    private static String baseName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        return base.length() > 80 ? base.substring(base.length() - 80) : base;
    }
}

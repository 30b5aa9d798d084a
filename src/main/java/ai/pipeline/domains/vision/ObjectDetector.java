package ai.pipeline.domains.vision;

import ai.pipeline.domains.vision.DetectionResult.DetectedObject;
import ai.pipeline.domains.vision.ModelFamily.Candidate;
import ai.pipeline.domains.vision.ModelFamily.PreparedImage;
import ai.pipeline.domains.vision.ModelFamily.Tensor;
import ai.pipeline.shared.image.ImageFiles;
import ai.pipeline.shared.task.Provenance;
import ai.pipeline.shared.task.TaskFailure;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds objects in images. The model loads in the background as soon as this is built, so the
 * application starts (and the other domains work) while a model downloads or when it cannot be
 * loaded at all; until it is ready, calls fail with {@code UNAVAILABLE} (503) saying why, and
 * {@link #status()} tells the health indicator.
 */
class ObjectDetector implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ObjectDetector.class);
    /** How long a call waits for a model that is still loading before it answers 503. */
    private static final Duration LOAD_WAIT = Duration.ofSeconds(30);

    enum State { LOADING, READY, FAILED }

    /** What the health indicator reports: the state, and the model or the reason it is missing. */
    record Status(State state, String detail) {
    }

    /** A detection together with the upright image it was made on (for drawing). */
    record Detection(DetectionResult result, BufferedImage image) {
    }

    /** A detection and the image with its boxes drawn, as PNG. */
    record Annotated(DetectionResult result, byte[] png) {
    }

    private final VisionProperties properties;
    private final CompletableFuture<LoadedModel> model;

    ObjectDetector(VisionProperties properties, Path modelsDir) {
        this.properties = properties;
        ExecutorService loader = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "vision-model-loader");
            thread.setDaemon(true);
            return thread;
        });
        this.model = CompletableFuture.supplyAsync(() -> LoadedModel.load(properties, modelsDir), loader);
        loader.shutdown();  // runs the one load, then its thread ends
        model.whenComplete((loaded, error) -> {
            if (error == null) {
                log.info("vision model ready: {}", loaded);
            } else {
                log.warn("vision model unavailable, vision tasks will answer 503: {}", reason(error));
            }
        });
    }

    Status status() {
        if (!model.isDone()) {
            return new Status(State.LOADING, "loading " + properties.model());
        }
        try {
            return new Status(State.READY, model.join().toString());
        } catch (RuntimeException e) {
            return new Status(State.FAILED, reason(e));
        }
    }

    /** Blocks until the model has loaded or failed, at most {@code timeout}; for tests and benchmarks. */
    Status awaitLoaded(Duration timeout) {
        try {
            model.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException ignored) {
            // reported by status()
        }
        return status();
    }

    Thresholds defaultThresholds() {
        return properties.defaultThresholds();
    }

    DetectionResult detect(Path imageFile, Thresholds thresholds) {
        return detectWithImage(imageFile, thresholds).result();
    }

    /** Detects objects and draws them: the result and the annotated image as PNG. */
    Annotated annotate(Path imageFile, Thresholds thresholds) {
        Detection detection = detectWithImage(imageFile, thresholds);
        byte[] png = Annotator.png(Annotator.draw(detection.image(), detection.result().objects()));
        return new Annotated(detection.result(), png);
    }

    /** Reads the image first, so bad input is reported as such even while the model is unavailable. */
    private Detection detectWithImage(Path imageFile, Thresholds thresholds) {
        long start = System.nanoTime();
        BufferedImage image = ImageFiles.applyOrientation(
                ImageFiles.read(imageFile, 0, properties.maxPixels()), ImageFiles.exifOrientation(imageFile));
        long decodeNanos = System.nanoTime() - start;
        return new Detection(detect(ready(), image, thresholds, decodeNanos), image);
    }

    private DetectionResult detect(LoadedModel loaded, BufferedImage image, Thresholds thresholds, long decodeNanos) {
        ModelFamily family = loaded.family();
        long start = System.nanoTime();
        PreparedImage prepared = family.prepare(image, loaded.inputWidth(), loaded.inputHeight());
        long preprocessed = System.nanoTime();
        Tensor output = loaded.run(prepared.input());
        long inferred = System.nanoTime();
        List<Candidate> kept = NonMaxSuppression.classWise(family.decode(output, prepared, thresholds.score()),
                thresholds.iou());
        List<DetectedObject> objects = kept.stream()
                .map(c -> new DetectedObject(loaded.label(c.classId()), round(c.score(), 4),
                        new double[] {round(c.x1(), 1), round(c.y1(), 1), round(c.x2(), 1), round(c.y2(), 1)}))
                .toList();
        long postprocessed = System.nanoTime();

        Map<String, Object> timing = new LinkedHashMap<>();
        timing.put("decode", millis(decodeNanos));
        timing.put("preprocess", millis(preprocessed - start));
        timing.put("inference", millis(inferred - preprocessed));
        timing.put("postprocess", millis(postprocessed - inferred));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("sha256", loaded.sha256());
        details.put("family", family.name());
        details.put("input_size", loaded.inputWidth() + "x" + loaded.inputHeight());
        details.put("timing_ms", timing);
        long totalMillis = Math.round((decodeNanos + postprocessed - start) / 1e6);
        Provenance provenance = new Provenance("onnxruntime", loaded.engineVersion(), loaded.fileName(), details,
                totalMillis);
        return new DetectionResult(objects, image.getWidth(), image.getHeight(), thresholds, provenance);
    }

    private LoadedModel ready() {
        try {
            return model.get(LOAD_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw TaskFailure.unavailable("the vision model is still loading (" + properties.model() + "); try again shortly");
        } catch (ExecutionException e) {
            throw TaskFailure.unavailable("the vision model is not available: " + reason(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TaskFailure.unavailable("interrupted while waiting for the vision model");
        }
    }

    @Override
    public void close() {
        // a load still running is closed when it finishes
        model.thenAccept(LoadedModel::close);
    }

    private static String reason(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    private static double millis(long nanos) {
        return round(nanos / 1e6, 2);
    }

    private static double round(double value, int decimals) {
        double factor = Math.pow(10, decimals);
        return Math.round(value * factor) / factor;
    }
}

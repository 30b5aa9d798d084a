package ai.pipeline.domains.vision;

import ai.pipeline.shared.api.ApiAnswer;
import ai.pipeline.shared.api.ApiRequests;
import ai.pipeline.shared.api.ApiResponse;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.TaskFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * Synchronous object detection ({@code routes/rest/api-vision.camel.yaml}): upload an image as
 * multipart {@code file}, or name one in storage with a JSON body {@code {"path": …}}; thresholds are
 * optional ({@code score_threshold}, {@code iou_threshold}). {@code /detect} answers the JSON
 * envelope, {@code /annotate} the PNG.
 */
@Component("visionApi")
class VisionApi {

    /** JSON body: an image already in storage. */
    record VisionRequest(String path, Double scoreThreshold, Double iouThreshold) {
    }

    private final ObjectDetector detector;
    private final Storage storage;
    private final ApiRequests requests;

    VisionApi(ObjectDetector detector, Storage storage, ApiRequests requests) {
        this.detector = detector;
        this.storage = storage;
        this.requests = requests;
    }

    public ApiResponse<DetectionResult> detect(Message request) {
        return ApiResponse.ok(run(request, detector::detect));
    }

    public ApiAnswer annotate(Message request) {
        ObjectDetector.Annotated annotated = run(request, detector::annotate);
        return ApiAnswer.content(200, "image/png",
                Map.of("X-Detected-Objects", String.valueOf(annotated.result().objects().size())), annotated.png());
    }

    /** The work on the uploaded image (multipart) or the one in storage (JSON), with the request's thresholds. */
    private <T> T run(Message request, BiFunction<Path, Thresholds, T> work) {
        if (!ApiRequests.isMultipart(request)) {
            VisionRequest body = requests.body(request, VisionRequest.class);
            return work.apply(stored(body), thresholds(body.scoreThreshold(), body.iouThreshold()));
        }
        Thresholds thresholds = thresholds(ApiRequests.doubleParam(request, "score_threshold"),
                ApiRequests.doubleParam(request, "iou_threshold"));
        ApiRequests.Upload file = ApiRequests.upload(request);
        try (InputStream content = file.open();
                Storage.TemporaryFile upload = storage.storeTemporary(content, file.originalName())) {
            return work.apply(upload.path(), thresholds);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the upload", e);
        }
    }

    private Path stored(VisionRequest request) {
        if (request.path() == null || request.path().isBlank()) {
            throw TaskFailure.invalidInput("missing \"path\": the image's path in storage (or upload it as multipart \"file\")");
        }
        return storage.resolve(request.path());
    }

    private Thresholds thresholds(Double scoreThreshold, Double iouThreshold) {
        return Thresholds.of(scoreThreshold, iouThreshold, detector.defaultThresholds());
    }
}

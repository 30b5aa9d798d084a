package ai.pipeline.domains.vision;

import ai.pipeline.shared.api.ApiResponse;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.TaskFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.BiFunction;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * Synchronous object detection: upload an image as multipart {@code file}, or name one in storage
 * with a JSON body {@code {"path": …}}; thresholds are optional ({@code score_threshold},
 * {@code iou_threshold}). {@code /detect} answers the JSON envelope, {@code /annotate} the PNG.
 */
@RestController
@RequestMapping("/api/v1/vision")
class VisionController {

    /** JSON body: an image already in storage. */
    record VisionRequest(String path, Double scoreThreshold, Double iouThreshold) {
    }

    private final ObjectDetector detector;
    private final Storage storage;

    VisionController(ObjectDetector detector, Storage storage) {
        this.detector = detector;
        this.storage = storage;
    }

    @PostMapping(path = "/detect", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ApiResponse<DetectionResult> detectUpload(@RequestParam("file") MultipartFile file,
            @RequestParam(name = "score_threshold", required = false) Double scoreThreshold,
            @RequestParam(name = "iou_threshold", required = false) Double iouThreshold) {
        return ApiResponse.ok(withUpload(file, thresholds(scoreThreshold, iouThreshold), detector::detect));
    }

    @PostMapping(path = "/detect", consumes = MediaType.APPLICATION_JSON_VALUE)
    ApiResponse<DetectionResult> detectStored(@RequestBody VisionRequest request) {
        return ApiResponse.ok(detector.detect(stored(request), thresholds(request.scoreThreshold(), request.iouThreshold())));
    }

    @PostMapping(path = "/annotate", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<byte[]> annotateUpload(@RequestParam("file") MultipartFile file,
            @RequestParam(name = "score_threshold", required = false) Double scoreThreshold,
            @RequestParam(name = "iou_threshold", required = false) Double iouThreshold) {
        return png(withUpload(file, thresholds(scoreThreshold, iouThreshold), detector::annotate));
    }

    @PostMapping(path = "/annotate", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> annotateStored(@RequestBody VisionRequest request) {
        return png(detector.annotate(stored(request), thresholds(request.scoreThreshold(), request.iouThreshold())));
    }

    private <T> T withUpload(MultipartFile file, Thresholds thresholds, BiFunction<Path, Thresholds, T> work) {
        try (Storage.TemporaryFile upload = storage.storeTemporary(file.getInputStream(), file.getOriginalFilename())) {
            return work.apply(upload.path(), thresholds);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the upload", e);
        }
    }

    private Path stored(VisionRequest request) {
        if (request == null || request.path() == null || request.path().isBlank()) {
            throw TaskFailure.invalidInput("missing \"path\": the image's path in storage (or upload it as multipart \"file\")");
        }
        return storage.resolve(request.path());
    }

    private Thresholds thresholds(Double scoreThreshold, Double iouThreshold) {
        return Thresholds.of(scoreThreshold, iouThreshold, detector.defaultThresholds());
    }

    private static ResponseEntity<byte[]> png(ObjectDetector.Annotated annotated) {
        return ResponseEntity.ok()
                .contentType(MediaType.IMAGE_PNG)
                .header("X-Detected-Objects", String.valueOf(annotated.result().objects().size()))
                .body(annotated.png());
    }
}

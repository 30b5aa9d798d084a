package ai.pipeline.orchestration.api;

import ai.pipeline.shared.api.ApiResponse;
import ai.pipeline.shared.image.ImageFiles;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.TaskFailure;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.file.Path;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * {@code POST /api/v1/files}: stores an upload under {@code uploads/<date>/} in storage and answers
 * the path to pass as {@code document_path} or {@code image_path}. Images (PNG, JPEG, GIF, BMP,
 * TIFF) and PDFs are accepted, recognised by their first bytes, not their name or declared type;
 * anything else is 415 and is not kept. Over {@code app.storage.max-file-size}: 413.
 */
@RestController
@RequestMapping("/api/v1/files")
@Tag(name = "files", description = "upload inputs into storage")
class FileController {

    @Schema(description = "an uploaded file in storage")
    record StoredFile(@Schema(description = "pass it as document_path or image_path", example = "uploads/2026-01-31/5b1d…-contract.pdf")
                      String path,
                      @Schema(example = "contract.pdf") String name,
                      @Schema(example = "application/pdf") String mediaType,
                      @Schema(example = "184220") long bytes) {
    }

    private final Storage storage;

    FileController(Storage storage) {
        this.storage = storage;
    }

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @Operation(summary = "Upload an image or PDF into storage; answers the path to pass to a pipeline")
    @ApiStatuses(success = 201, errors = {400, 413, 415})
    ResponseEntity<ApiResponse<StoredFile>> upload(@Parameter(description = "an image (PNG, JPEG, GIF, BMP, TIFF) or a PDF")
                                                   @RequestParam("file") MultipartFile file) {
        Path stored = Uploads.store(storage, file);
        ImageFiles.Format format;
        try {
            format = ImageFiles.detect(stored);
            if (format == ImageFiles.Format.UNKNOWN) {
                throw TaskFailure.unsupportedFormat("only images (PNG, JPEG, GIF, BMP, TIFF) and PDFs are accepted; "
                        + "the content of " + file.getOriginalFilename() + " is neither");
            }
        } catch (RuntimeException e) {
            Uploads.discard(stored);
            throw e;
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(ApiResponse.ok(new StoredFile(storage.relativize(stored),
                file.getOriginalFilename(), format.mediaType(), file.getSize())));
    }
}

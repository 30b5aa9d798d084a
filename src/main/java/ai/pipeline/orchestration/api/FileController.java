package ai.pipeline.orchestration.api;

import ai.pipeline.shared.api.ApiResponse;
import ai.pipeline.shared.image.ImageFiles;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.TaskFailure;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.MediaTypeFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
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
 *
 * <p>{@code GET /api/v1/files?path=…}: the file at that path in storage — an upload, a stored result
 * ({@code result_path}), a normalised page — streamed with its media type (byte ranges on request).
 * The path is the one the API hands out and is confined like every path a client gives ({@link
 * Storage#resolve}): {@code ..}, absolute paths outside storage, symbolic links that lead out and
 * directories are 400, a missing file 404. It is a query parameter rather than part of the URL
 * path because it holds slashes, which an OpenAPI path parameter cannot carry.
 */
@RestController
@RequestMapping("/api/v1/files")
@Tag(name = "files", description = "upload inputs into storage and download files from it")
class FileController {

    @Schema(description = "an uploaded file in storage")
    record StoredFile(@Schema(description = "pass it as document_path or image_path", example = "uploads/2026-01-31/5b1d…-contract.pdf")
                      String path,
                      @Schema(example = "contract.pdf") String name,
                      @Schema(example = "application/pdf") String mediaType,
                      @Schema(example = "184220") long bytes) {
    }

    /** Media types served as they are; anything else is sent as {@code application/octet-stream}. */
    private static final Set<MediaType> NAMED_TYPES = Set.of(MediaType.APPLICATION_JSON, MediaType.TEXT_PLAIN,
            MediaType.parseMediaType("text/csv"));

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

    @GetMapping
    @Operation(summary = "Download a file from storage: an upload, a stored result (result_path), a normalised page",
            description = "Images and PDFs are served with their media type by content, .json, .txt and .csv files by "
                    + "name, anything else as application/octet-stream (as an attachment). A Range header gets 206 "
                    + "with that part of the file.")
    @ApiStatuses(errors = {400, 404})
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "the file",
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/octet-stream",
                    schema = @Schema(type = "string", format = "binary")))
    @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "206",
            description = "Partial content: the byte range a Range header asked for",
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/octet-stream",
                    schema = @Schema(type = "string", format = "binary")))
    ResponseEntity<Resource> download(@Parameter(description = "the file's path in storage, as POST /api/v1/files or a "
            + "result gave it", example = "results/2026-01-31/5b1d….json") @RequestParam("path") String path) {
        Path file = storage.resolve(path);
        MediaType type = mediaType(file);
        boolean inline = !type.equals(MediaType.APPLICATION_OCTET_STREAM);
        ContentDisposition disposition = (inline ? ContentDisposition.inline() : ContentDisposition.attachment())
                .filename(file.getFileName().toString()).build();
        return ResponseEntity.ok()
                .contentType(type)
                .header(HttpHeaders.CONTENT_DISPOSITION, disposition.toString())
                .header("X-Content-Type-Options", "nosniff")
                .body(new FileSystemResource(file));
    }

    /**
     * Images and PDFs by their first bytes; JSON, text and CSV by name; nothing is served as a type a
     * browser would run (HTML, SVG, scripts): those go out as {@code application/octet-stream}.
     */
    static MediaType mediaType(Path file) {
        try {
            if (Files.size(file) > 0) {
                ImageFiles.Format format = ImageFiles.detect(file);
                if (format != ImageFiles.Format.UNKNOWN) {
                    return MediaType.parseMediaType(format.mediaType());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.getFileName(), e);
        }
        return MediaTypeFactory.getMediaType(file.getFileName().toString())
                .filter(NAMED_TYPES::contains)
                .map(type -> type.equals(MediaType.APPLICATION_JSON) ? type
                        : new MediaType(type, StandardCharsets.UTF_8))
                .orElse(MediaType.APPLICATION_OCTET_STREAM);
    }
}

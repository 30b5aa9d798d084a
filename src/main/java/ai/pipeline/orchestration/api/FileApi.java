package ai.pipeline.orchestration.api;

import ai.pipeline.shared.api.ApiAnswer;
import ai.pipeline.shared.api.ApiRequests;
import ai.pipeline.shared.api.ApiRequests.Upload;
import ai.pipeline.shared.image.ImageFiles;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.TaskFailure;
import io.swagger.v3.oas.annotations.media.Schema;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Message;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRange;
import org.springframework.http.MediaType;
import org.springframework.http.MediaTypeFactory;
import org.springframework.stereotype.Component;

/**
 * {@code POST /api/v1/files}: stores an upload under {@code uploads/<date>/} in storage and answers
 * the path to pass as {@code document_path} or {@code image_path}. Images (PNG, JPEG, GIF, BMP,
 * TIFF) and PDFs are accepted, recognised by their first bytes, not their name or declared type;
 * anything else is 415 and is not kept. Over {@code app.storage.max-file-size}: 413.
 *
 * <p>{@code GET /api/v1/files?path=…}: the file at that path in storage — an upload, a stored result
 * ({@code result_path}), a normalised page — streamed with its media type; one byte range on request
 * ({@code Range: bytes=1-3}: 206); several, or one outside the file, are answered with the whole
 * file (HTTP lets a server ignore Range). The path is confined like every path a client gives ({@link Storage#resolve}):
 * {@code ..}, absolute paths outside storage, symbolic links that lead out and directories are 400, a
 * missing file 404. It is a query parameter because it holds slashes, which a path parameter cannot carry.
 * Declared in {@code routes/rest/api-files.camel.yaml}.
 */
@Component("fileApi")
class FileApi {

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

    FileApi(Storage storage) {
        this.storage = storage;
    }

    public ApiAnswer upload(Message request) {
        Upload file = ApiRequests.upload(request);
        Path stored = Uploads.store(storage, file);
        ImageFiles.Format format;
        try {
            format = ImageFiles.detect(stored);
            if (format == ImageFiles.Format.UNKNOWN) {
                throw TaskFailure.unsupportedFormat("only images (PNG, JPEG, GIF, BMP, TIFF) and PDFs are accepted; "
                        + "the content of " + file.originalName() + " is neither");
            }
        } catch (RuntimeException e) {
            Uploads.discard(stored);
            throw e;
        }
        return ApiAnswer.created(new StoredFile(storage.relativize(stored), file.originalName(), format.mediaType(),
                file.size()));
    }

    public ApiAnswer download(Message request) throws IOException {
        String path = request.getHeader("path", String.class);   // given but blank: Storage says the path is empty
        if (path == null) {
            throw TaskFailure.invalidInput("the query parameter 'path' is required: the file's path in storage");
        }
        Path file = storage.resolve(path);
        MediaType type = mediaType(file);
        boolean inline = !type.equals(MediaType.APPLICATION_OCTET_STREAM);
        ContentDisposition disposition = (inline ? ContentDisposition.inline() : ContentDisposition.attachment())
                .filename(file.getFileName().toString()).build();
        long length = Files.size(file);
        Map<String, String> headers = new java.util.LinkedHashMap<>(Map.of(
                HttpHeaders.CONTENT_DISPOSITION, disposition.toString(),
                "X-Content-Type-Options", "nosniff",
                HttpHeaders.ACCEPT_RANGES, "bytes"));
        List<HttpRange> ranges = ranges(ApiRequests.param(request, HttpHeaders.RANGE), length);
        if (ranges.size() != 1) {
            headers.put(HttpHeaders.CONTENT_LENGTH, String.valueOf(length));
            return ApiAnswer.content(200, type.toString(), headers, Files.newInputStream(file));
        }
        long start = ranges.get(0).getRangeStart(length);
        long end = ranges.get(0).getRangeEnd(length);
        headers.put(HttpHeaders.CONTENT_RANGE, "bytes " + start + "-" + end + "/" + length);
        headers.put(HttpHeaders.CONTENT_LENGTH, String.valueOf(end - start + 1));
        InputStream content = Files.newInputStream(file);
        content.skipNBytes(start);
        return ApiAnswer.content(206, type.toString(), headers, new BoundedStream(content, end - start + 1));
    }

    /**
     * The ranges a Range header asks for; none when it is absent, not a byte range HTTP defines, or
     * outside the file: such a header is ignored and the whole file sent, as RFC 9110 (14.2) allows.
     */
    private static List<HttpRange> ranges(String header, long length) {
        if (header == null) {
            return List.of();
        }
        try {
            List<HttpRange> ranges = HttpRange.parseRanges(header);
            return ranges.stream().allMatch(r -> r.getRangeStart(length) < length) ? ranges : List.of();
        } catch (IllegalArgumentException e) {
            return List.of();
        }
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

    /** The first {@code remaining} bytes of a stream, then its end; closing it closes the file. */
    private static final class BoundedStream extends java.io.FilterInputStream {

        private long remaining;

        BoundedStream(InputStream in, long remaining) {
            super(in);
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int read = super.read(buffer, offset, (int) Math.min(length, remaining));
            if (read > 0) {
                remaining -= read;
            }
            return read;
        }
    }
}

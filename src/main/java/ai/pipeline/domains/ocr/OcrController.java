package ai.pipeline.domains.ocr;

import ai.pipeline.shared.api.ApiResponse;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.CancellationSignal;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * Synchronous OCR: {@code POST /api/v1/ocr/extract} with an upload (multipart {@code file}, optional
 * fields {@code languages}, {@code pages}) or a JSON body naming a file in storage.
 */
@RestController
@RequestMapping("/api/v1/ocr")
class OcrController {

    /** {@code {"path": "<path in storage>", "languages": "eng+kor", "pages": "1-2"}}. */
    record ExtractRequest(String path, String languages, String pages) {
    }

    private final OcrService ocr;
    private final Storage storage;

    OcrController(OcrService ocr, Storage storage) {
        this.ocr = ocr;
        this.storage = storage;
    }

    @PostMapping(path = "/extract", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ApiResponse<OcrResult> extractUpload(@RequestPart("file") MultipartFile file,
            @RequestParam(required = false) String languages, @RequestParam(required = false) String pages)
            throws IOException {
        try (InputStream content = file.getInputStream();
                Storage.TemporaryFile upload = storage.storeTemporary(content, file.getOriginalFilename())) {
            return ApiResponse.ok(ocr.extract(upload.path(), languages, pages, CancellationSignal.NEVER));
        }
    }

    @PostMapping(path = "/extract", consumes = MediaType.APPLICATION_JSON_VALUE)
    ApiResponse<OcrResult> extractStored(@RequestBody ExtractRequest request) {
        return ApiResponse.ok(ocr.extract(storage.resolve(request.path()), request.languages(), request.pages(),
                CancellationSignal.NEVER));
    }
}

package ai.pipeline.domains.ocr;

import ai.pipeline.shared.api.ApiRequests;
import ai.pipeline.shared.api.ApiResponse;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.CancellationSignal;
import java.io.IOException;
import java.io.InputStream;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * Synchronous OCR: {@code POST /api/v1/ocr/extract} ({@code routes/rest/api-ocr.camel.yaml}) with an
 * upload (multipart {@code file}, optional fields {@code languages}, {@code pages}) or a JSON body
 * naming a file in storage.
 */
@Component("ocrApi")
class OcrApi {

    /** {@code {"path": "<path in storage>", "languages": "eng+kor", "pages": "1-2"}}. */
    record ExtractRequest(String path, String languages, String pages) {
    }

    private final OcrService ocr;
    private final Storage storage;
    private final ApiRequests requests;

    OcrApi(OcrService ocr, Storage storage, ApiRequests requests) {
        this.ocr = ocr;
        this.storage = storage;
        this.requests = requests;
    }

    public ApiResponse<OcrResult> extract(Message request) throws IOException {
        if (!ApiRequests.isMultipart(request)) {
            ExtractRequest body = requests.body(request, ExtractRequest.class);
            return ApiResponse.ok(ocr.extract(storage.resolve(body.path()), body.languages(), body.pages(),
                    CancellationSignal.NEVER));
        }
        ApiRequests.Upload file = ApiRequests.upload(request);
        try (InputStream content = file.open();
                Storage.TemporaryFile upload = storage.storeTemporary(content, file.originalName())) {
            return ApiResponse.ok(ocr.extract(upload.path(), ApiRequests.param(request, "languages"),
                    ApiRequests.param(request, "pages"), CancellationSignal.NEVER));
        }
    }
}

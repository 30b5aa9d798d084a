package ai.pipeline.orchestration.api;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.Map;

/** The JSON bodies that start named pipelines: a file already in storage, an optional request id and options. */
final class StartRequests {

    private static final String REQUEST_ID = "makes the request idempotent: a repeated request with the same id "
            + "starts nothing new and answers the earlier run";
    private static final int MAX_REQUEST_ID = 200;
    private static final String OPTIONS = "settings for the pipeline's steps, each passed to every step that takes it "
            + "(an option no step takes is refused); GET /api/v1/pipelines lists each pipeline's options";

    static final String COUNTDOWN = "start the run this many seconds from now; it waits as SCHEDULED (not with eta)";
    static final String ETA = "start the run at this ISO-8601 instant; it waits as SCHEDULED (not with countdown_s)";
    static final String CALLBACK = "an http(s) URL that gets a POST of the run's final record when it ends, signed "
            + "X-Signature: sha256=<HMAC-SHA256 of the body> (needs APP_CALLBACK_SECRET on the server)";

    private StartRequests() {
    }

    /** A start request that may say when it is due and where its end is reported. */
    interface Later {
        Double countdownS();

        String eta();

        String callbackUrl();
    }

    /** The same, as form fields of a multipart start. */
    record Controls(Double countdownS, String eta, String callbackUrl) implements Later {
    }

    @Schema(description = "a document in storage: a path returned by POST /api/v1/files, or relative to the storage root")
    record DocumentStart(
            @Schema(example = "uploads/2026-01-31/5b1d…-contract.pdf", requiredMode = Schema.RequiredMode.REQUIRED)
            @NotBlank(message = "is required: the path of a PDF or image in storage") String documentPath,
            @Schema(description = REQUEST_ID) @Size(max = MAX_REQUEST_ID) String requestId,
            @Schema(description = OPTIONS, example = "{\"languages\": [\"eng\"], \"pages\": \"1-2\"}")
            Map<String, Object> options,
            @Schema(description = COUNTDOWN, example = "60") Double countdownS,
            @Schema(description = ETA, example = "2026-12-05T09:30:00Z") String eta,
            @Schema(description = CALLBACK, example = "https://example.com/hooks/runs") String callbackUrl) implements Later {
    }

    @Schema(description = "an image in storage: a path returned by POST /api/v1/files, or relative to the storage root")
    record ImageStart(
            @Schema(example = "uploads/2026-01-31/9c2e…-photo.jpg", requiredMode = Schema.RequiredMode.REQUIRED)
            @NotBlank(message = "is required: the path of an image in storage") String imagePath,
            @Schema(description = REQUEST_ID) @Size(max = MAX_REQUEST_ID) String requestId,
            @Schema(description = OPTIONS, example = "{\"languages\": [\"eng\"], \"pages\": \"1-2\"}")
            Map<String, Object> options,
            @Schema(description = COUNTDOWN, example = "60") Double countdownS,
            @Schema(description = ETA, example = "2026-12-05T09:30:00Z") String eta,
            @Schema(description = CALLBACK, example = "https://example.com/hooks/runs") String callbackUrl) implements Later {
    }

    @Schema(description = "exactly one of image_path (an image) and document_path (a PDF or an image) in storage")
    record AiPipelineStart(
            @Schema(example = "uploads/2026-01-31/9c2e…-photo.jpg") String imagePath,
            @Schema(example = "uploads/2026-01-31/5b1d…-contract.pdf") String documentPath,
            @Schema(description = REQUEST_ID) @Size(max = MAX_REQUEST_ID) String requestId,
            @Schema(description = OPTIONS, example = "{\"score_threshold\": 0.5, \"max_sentences\": 3}")
            Map<String, Object> options,
            @Schema(description = COUNTDOWN, example = "60") Double countdownS,
            @Schema(description = ETA, example = "2026-12-05T09:30:00Z") String eta,
            @Schema(description = CALLBACK, example = "https://example.com/hooks/runs") String callbackUrl) implements Later {


        @Schema(hidden = true)
        @AssertTrue(message = "give exactly one of image_path and document_path")
        boolean isExactlyOnePath() {
            return (imagePath == null || imagePath.isBlank()) != (documentPath == null || documentPath.isBlank());
        }
    }
}

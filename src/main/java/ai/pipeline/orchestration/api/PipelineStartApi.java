package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.PipelineService;
import ai.pipeline.orchestration.api.PipelineViews.Started;
import ai.pipeline.orchestration.api.StartRequests.AiPipelineStart;
import ai.pipeline.orchestration.api.StartRequests.DocumentStart;
import ai.pipeline.orchestration.api.StartRequests.ImageStart;
import ai.pipeline.orchestration.engine.PipelineEngine;
import ai.pipeline.orchestration.pipelines.InputKind;
import ai.pipeline.orchestration.pipelines.PipelineCatalog;
import ai.pipeline.orchestration.pipelines.PipelineDefinition;
import ai.pipeline.orchestration.pipelines.PipelineInputs;
import ai.pipeline.orchestration.scheduling.ScheduledStarts;
import ai.pipeline.orchestration.scheduling.StartControls;
import ai.pipeline.orchestration.api.StartRequests.Controls;
import ai.pipeline.shared.api.ApiAnswer;
import ai.pipeline.shared.api.ApiRequests;
import ai.pipeline.shared.api.ApiRequests.Upload;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.TaskFailure;
import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Starts the named pipelines: {@code POST /api/v1/pipelines/<name>} with a JSON body naming a file
 * in storage, or with the file itself as multipart {@code file} (the seed pipelines have typed
 * operations of their own; any other named pipeline is started through {@code /{pipeline}}), and
 * optional {@code options} for its steps (a JSON object, or its text as a multipart field). The input
 * and the options are checked before the run is recorded (400 bad or escaping path, an option no
 * step takes or of the wrong type; 404 no such file; 415 a format the pipeline does not take); a
 * started run answers 202 with its chain id. Declared in {@code routes/rest/api-pipelines.camel.yaml}.
 */
@Component("pipelineStartApi")
class PipelineStartApi {

    private static final String SOURCE = "rest";
    private static final String FILE = "the file itself, stored under uploads/ in storage";
    private static final String REQUEST_ID = "optional; a repeated request with the same id answers the earlier run";
    private static final String OPTIONS = "optional; the JSON text of an object of options for the pipeline's steps, "
            + "e.g. {\"languages\": [\"eng\"], \"pages\": \"1-2\"} (GET /api/v1/pipelines lists each pipeline's options)";

    private final PipelineService pipelines;
    private final PipelineCatalog catalog;
    private final PipelineInputs inputs;
    private final Storage storage;
    private final JsonMapper json;
    private final ApiRequests requests;
    private final ScheduledStarts starts;

    PipelineStartApi(PipelineService pipelines, PipelineCatalog catalog, PipelineInputs inputs, Storage storage,
                     JsonMapper json, ApiRequests requests, ScheduledStarts starts) {
        this.starts = starts;
        this.pipelines = pipelines;
        this.catalog = catalog;
        this.inputs = inputs;
        this.storage = storage;
        this.json = json;
        this.requests = requests;
    }

    /** {@code document}: OCR (pages in parallel) → summary. */
    public ApiAnswer document(Message request) {
        return startDocument("document", request);
    }

    /** {@code document-analysis}: OCR → summary and clause analysis → merged result. */
    public ApiAnswer documentAnalysis(Message request) {
        return startDocument("document-analysis", request);
    }

    /** {@code image-analysis}: object detection ‖ OCR → one description (a chord). */
    public ApiAnswer imageAnalysis(Message request) {
        return startImage("image-analysis", request);
    }

    /** {@code parallel}: OCR ‖ object detection on one image (a group). */
    public ApiAnswer parallel(Message request) {
        return startImage("parallel", request);
    }

    /** {@code ai-pipeline}: preprocessing → feature extraction → model inference → post-processing. */
    public ApiAnswer aiPipeline(Message request) {
        if (ApiRequests.isMultipart(request)) {
            return upload("ai-pipeline", request);
        }
        AiPipelineStart start = requests.body(request, AiPipelineStart.class);
        boolean image = start.imagePath() != null && !start.imagePath().isBlank();
        return start("ai-pipeline", image ? InputKind.IMAGE : InputKind.DOCUMENT,
                image ? start.imagePath() : start.documentPath(), start.options(), start.requestId(), start);
    }

    private ApiAnswer startDocument(String pipeline, Message request) {
        if (ApiRequests.isMultipart(request)) {
            return upload(pipeline, request);
        }
        DocumentStart start = requests.body(request, DocumentStart.class);
        return start(pipeline, InputKind.DOCUMENT, start.documentPath(), start.options(), start.requestId(), start);
    }

    private ApiAnswer startImage(String pipeline, Message request) {
        if (ApiRequests.isMultipart(request)) {
            return upload(pipeline, request);
        }
        ImageStart start = requests.body(request, ImageStart.class);
        return start(pipeline, InputKind.IMAGE, start.imagePath(), start.options(), start.requestId(), start);
    }

    /** Any named pipeline by name, its input as JSON (GET /api/v1/pipelines lists them and their input keys). */
    public ApiAnswer byName(Message request) {
        String pipeline = request.getHeader("pipeline", String.class);
        JsonNode body = requests.body(request, JsonNode.class);
        PipelineDefinition definition = catalog.find(pipeline).orElseThrow(() -> TaskFailure.notFound(
                "no pipeline named '" + pipeline + "'; GET /api/v1/pipelines lists them"));
        if (!body.isObject()) {
            throw TaskFailure.invalidInput("expected a JSON object: the pipeline's input");
        }
        ObjectNode input = ((ObjectNode) body).deepCopy();
        JsonNode requestId = input.remove("request_id");
        Map<String, Object> options = inputs.options(input.remove("options"));
        StartControls controls = starts.takeControls(input);
        if (requestId != null && !requestId.isNull() && (!requestId.isString() || requestId.asString().length() > 200)) {
            throw TaskFailure.invalidInput("request_id must be a string of at most 200 characters");
        }
        return answer(pipeline, starts.start(pipelines.requestFor(pipeline, inputs.check(definition, input), options,
                requestId == null || requestId.isNull() ? null : requestId.asString(), SOURCE), controls));
    }

    private ApiAnswer start(String pipeline, InputKind kind, String path, Map<String, Object> options, String requestId,
                            StartRequests.Later later) {
        StartControls controls = controls(later);
        ObjectNode input = json.createObjectNode();
        input.put(kind.key(), path);
        return answer(pipeline, starts.start(pipelines.requestFor(pipeline, inputs.check(definition(pipeline), input),
                options == null ? Map.of() : options, requestId, SOURCE), controls));
    }

    private StartControls controls(StartRequests.Later later) {
        return starts.controls(later.countdownS(), later.eta(), later.callbackUrl());
    }

    /** Stores the upload, then starts the pipeline on it; an upload that starts nothing is not kept. */
    private ApiAnswer upload(String pipeline, Message request) {
        String requestId = ApiRequests.param(request, "request_id");
        String optionsField = ApiRequests.param(request, "options");
        Upload file = ApiRequests.upload(request);
        if (requestId != null && requestId.length() > 200) {
            throw TaskFailure.invalidInput("request_id: size must be between 0 and 200");
        }
        Map<String, Object> options = inputs.options(optionsField);
        StartControls controls = controls(new Controls(ApiRequests.doubleParam(request, "countdown_s"),
                ApiRequests.param(request, "eta"), ApiRequests.param(request, "callback_url")));
        PipelineDefinition definition = definition(pipeline);
        Path stored = Uploads.store(storage, file);
        PipelineEngine.Started started;
        try {
            started = starts.start(pipelines.requestFor(pipeline, inputs.forFile(definition, stored, file.originalName()),
                    options, requestId, SOURCE), controls);
        } catch (RuntimeException e) {
            Uploads.discard(stored);
            throw e;
        }
        if (started.existing()) {
            Uploads.discard(stored);  // the earlier run has its own copy
        }
        return answer(pipeline, started);
    }

    private ApiAnswer answer(String pipeline, PipelineEngine.Started started) {
        return ApiAnswer.accepted(new Started(started.chainId(), pipeline,
                pipelines.get(started.chainId()).status.name(), started.existing()));
    }

    private PipelineDefinition definition(String pipeline) {
        return catalog.find(pipeline).orElseThrow(() -> new IllegalStateException("pipeline " + pipeline + " is not defined"));
    }
}

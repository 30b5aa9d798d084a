package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.PipelineService;
import ai.pipeline.orchestration.api.PipelineViews.Started;
import ai.pipeline.orchestration.api.StartRequests.AiPipelineStart;
import ai.pipeline.orchestration.api.StartRequests.Controls;
import ai.pipeline.orchestration.api.StartRequests.DocumentStart;
import ai.pipeline.orchestration.api.StartRequests.ImageStart;
import ai.pipeline.orchestration.engine.PipelineEngine;
import ai.pipeline.orchestration.pipelines.InputKind;
import ai.pipeline.orchestration.pipelines.PipelineCatalog;
import ai.pipeline.orchestration.pipelines.PipelineDefinition;
import ai.pipeline.orchestration.pipelines.PipelineInputs;
import ai.pipeline.orchestration.scheduling.ScheduledStarts;
import ai.pipeline.orchestration.scheduling.StartControls;
import ai.pipeline.shared.api.ApiResponse;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.TaskFailure;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.nio.file.Path;
import java.util.Map;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
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
 * started run answers 202 with its chain id.
 */
@RestController
@RequestMapping("/api/v1/pipelines")
@Tag(name = "pipelines", description = "start the named pipelines")
class PipelineStartController {

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
    private final ScheduledStarts starts;

    PipelineStartController(PipelineService pipelines, PipelineCatalog catalog, PipelineInputs inputs, Storage storage,
                            JsonMapper json, ScheduledStarts starts) {
        this.starts = starts;
        this.pipelines = pipelines;
        this.catalog = catalog;
        this.inputs = inputs;
        this.storage = storage;
        this.json = json;
    }

    @PostMapping(path = "/document", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Start `document`: OCR (pages in parallel) → summary")
    @ApiStatuses(success = 202, errors = {400, 404, 413, 415, 503})
    ResponseEntity<ApiResponse<Started>> document(@Valid @RequestBody DocumentStart request) {
        return start("document", InputKind.DOCUMENT, request.documentPath(), request.options(), request.requestId(), request);
    }

    @PostMapping(path = "/document", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @ApiStatuses(success = 202, errors = {400, 404, 413, 415, 503})
    ResponseEntity<ApiResponse<Started>> documentUpload(@Parameter(description = FILE) @RequestParam("file") MultipartFile file,
            @Parameter(description = REQUEST_ID) @RequestParam(name = "request_id", required = false) String requestId,
            @Parameter(description = OPTIONS) @RequestParam(name = "options", required = false) String options,
            @ParameterObject Controls controls) {
        return upload("document", file, requestId, options, controls);
    }

    @PostMapping(path = "/document-analysis", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Start `document-analysis`: OCR (pages in parallel) → summary and clause analysis → merged result")
    @ApiStatuses(success = 202, errors = {400, 404, 413, 415, 503})
    ResponseEntity<ApiResponse<Started>> documentAnalysis(@Valid @RequestBody DocumentStart request) {
        return start("document-analysis", InputKind.DOCUMENT, request.documentPath(), request.options(),
                request.requestId(), request);
    }

    @PostMapping(path = "/document-analysis", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @ApiStatuses(success = 202, errors = {400, 404, 413, 415, 503})
    ResponseEntity<ApiResponse<Started>> documentAnalysisUpload(
            @Parameter(description = FILE) @RequestParam("file") MultipartFile file,
            @Parameter(description = REQUEST_ID) @RequestParam(name = "request_id", required = false) String requestId,
            @Parameter(description = OPTIONS) @RequestParam(name = "options", required = false) String options,
            @ParameterObject Controls controls) {
        return upload("document-analysis", file, requestId, options, controls);
    }

    @PostMapping(path = "/image-analysis", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Start `image-analysis`: object detection ‖ OCR → one description (a chord)")
    @ApiStatuses(success = 202, errors = {400, 404, 413, 415, 503})
    ResponseEntity<ApiResponse<Started>> imageAnalysis(@Valid @RequestBody ImageStart request) {
        return start("image-analysis", InputKind.IMAGE, request.imagePath(), request.options(), request.requestId(), request);
    }

    @PostMapping(path = "/image-analysis", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @ApiStatuses(success = 202, errors = {400, 404, 413, 415, 503})
    ResponseEntity<ApiResponse<Started>> imageAnalysisUpload(
            @Parameter(description = FILE) @RequestParam("file") MultipartFile file,
            @Parameter(description = REQUEST_ID) @RequestParam(name = "request_id", required = false) String requestId,
            @Parameter(description = OPTIONS) @RequestParam(name = "options", required = false) String options,
            @ParameterObject Controls controls) {
        return upload("image-analysis", file, requestId, options, controls);
    }

    @PostMapping(path = "/parallel", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Start `parallel`: OCR ‖ object detection on one image (a group)")
    @ApiStatuses(success = 202, errors = {400, 404, 413, 415, 503})
    ResponseEntity<ApiResponse<Started>> parallel(@Valid @RequestBody ImageStart request) {
        return start("parallel", InputKind.IMAGE, request.imagePath(), request.options(), request.requestId(), request);
    }

    @PostMapping(path = "/parallel", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @ApiStatuses(success = 202, errors = {400, 404, 413, 415, 503})
    ResponseEntity<ApiResponse<Started>> parallelUpload(@Parameter(description = FILE) @RequestParam("file") MultipartFile file,
            @Parameter(description = REQUEST_ID) @RequestParam(name = "request_id", required = false) String requestId,
            @Parameter(description = OPTIONS) @RequestParam(name = "options", required = false) String options,
            @ParameterObject Controls controls) {
        return upload("parallel", file, requestId, options, controls);
    }

    @PostMapping(path = "/ai-pipeline", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Start `ai-pipeline`: preprocessing → feature extraction → model inference → post-processing")
    @ApiStatuses(success = 202, errors = {400, 404, 413, 415, 503})
    ResponseEntity<ApiResponse<Started>> aiPipeline(@Valid @RequestBody AiPipelineStart request) {
        boolean image = request.imagePath() != null && !request.imagePath().isBlank();
        return start("ai-pipeline", image ? InputKind.IMAGE : InputKind.DOCUMENT,
                image ? request.imagePath() : request.documentPath(), request.options(), request.requestId(), request);
    }

    @PostMapping(path = "/ai-pipeline", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @ApiStatuses(success = 202, errors = {400, 404, 413, 415, 503})
    ResponseEntity<ApiResponse<Started>> aiPipelineUpload(@Parameter(description = FILE) @RequestParam("file") MultipartFile file,
            @Parameter(description = REQUEST_ID) @RequestParam(name = "request_id", required = false) String requestId,
            @Parameter(description = OPTIONS) @RequestParam(name = "options", required = false) String options,
            @ParameterObject Controls controls) {
        return upload("ai-pipeline", file, requestId, options, controls);
    }

    @PostMapping(path = "/{pipeline}", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Start any named pipeline by name (GET /api/v1/pipelines lists them and their input keys)")
    @ApiStatuses(success = 202, errors = {400, 404, 413, 415, 503})
    ResponseEntity<ApiResponse<Started>> byName(@PathVariable("pipeline") String pipeline,
            @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "the input, e.g. "
                    + "{\"document_path\": \"uploads/…/contract.pdf\"}, and an optional \"request_id\" and \"options\"")
            @RequestBody JsonNode body) {
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

    private ResponseEntity<ApiResponse<Started>> start(String pipeline, InputKind kind, String path,
                                                       Map<String, Object> options, String requestId, StartRequests.Later controls) {
        StartControls checked = controls(controls);
        ObjectNode input = json.createObjectNode();
        input.put(kind.key(), path);
        return answer(pipeline, starts.start(pipelines.requestFor(pipeline, inputs.check(definition(pipeline), input),
                options == null ? Map.of() : options, requestId, SOURCE), checked));
    }

    private StartControls controls(StartRequests.Later controls) {
        return starts.controls(controls.countdownS(), controls.eta(), controls.callbackUrl());
    }

    /** Stores the upload, then starts the pipeline on it; an upload that starts nothing is not kept. */
    private ResponseEntity<ApiResponse<Started>> upload(String pipeline, MultipartFile file, String requestId,
                                                        String optionsField, Controls controlFields) {
        if (requestId != null && requestId.length() > 200) {
            throw TaskFailure.invalidInput("request_id: size must be between 0 and 200");
        }
        Map<String, Object> options = inputs.options(optionsField);
        StartControls controls = controls(controlFields);
        PipelineDefinition definition = definition(pipeline);
        Path stored = Uploads.store(storage, file);
        PipelineEngine.Started started;
        try {
            started = starts.start(pipelines.requestFor(pipeline, inputs.forFile(definition, stored,
                    file.getOriginalFilename()), options, requestId, SOURCE), controls);
        } catch (RuntimeException e) {
            Uploads.discard(stored);
            throw e;
        }
        if (started.existing()) {
            Uploads.discard(stored);  // the earlier run has its own copy
        }
        return answer(pipeline, started);
    }

    private ResponseEntity<ApiResponse<Started>> answer(String pipeline, PipelineEngine.Started started) {
        return ResponseEntity.accepted().body(ApiResponse.ok(new Started(started.chainId(), pipeline,
                pipelines.get(started.chainId()).status.name(), started.existing())));
    }

    private PipelineDefinition definition(String pipeline) {
        return catalog.find(pipeline).orElseThrow(() -> new IllegalStateException("pipeline " + pipeline + " is not defined"));
    }
}

package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.PipelineService;
import ai.pipeline.orchestration.api.PipelineViews.Started;
import ai.pipeline.orchestration.canvas.Canvas;
import ai.pipeline.orchestration.canvas.CanvasJson;
import ai.pipeline.orchestration.canvas.InvalidCanvasException;
import ai.pipeline.orchestration.engine.PipelineEngine;
import ai.pipeline.shared.api.ApiResponse;
import ai.pipeline.shared.task.TaskFailure;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code POST /api/v1/workflows}: runs a canvas given as JSON, {@code {"canvas": …, "input": …}}. */
@RestController
@RequestMapping("/api/v1/workflows")
class WorkflowController {

    private final PipelineService pipelines;
    private final CanvasJson canvasJson;

    WorkflowController(PipelineService pipelines, CanvasJson canvasJson) {
        this.pipelines = pipelines;
        this.canvasJson = canvasJson;
    }

    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<ApiResponse<Started>> run(@RequestBody JsonNode body) {
        if (body == null || !body.isObject() || !body.has("canvas")) {
            throw TaskFailure.invalidInput("expected {\"canvas\": {...}, \"input\": ...}");
        }
        Canvas canvas;
        try {
            canvas = canvasJson.parse(body.get("canvas"));
        } catch (InvalidCanvasException e) {
            throw TaskFailure.invalidInput("invalid canvas: " + e.getMessage());
        }
        String requestId = body.hasNonNull("request_id") ? body.get("request_id").asString() : null;
        PipelineEngine.Started started = pipelines.startCanvas(canvas, body.get("input"), requestId, "rest");
        return ResponseEntity.accepted().body(ApiResponse.ok(
                new Started(started.chainId(), PipelineService.WORKFLOW,
                        pipelines.get(started.chainId()).status.name(), started.existing())));
    }
}

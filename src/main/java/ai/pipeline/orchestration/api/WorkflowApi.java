package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.PipelineService;
import ai.pipeline.orchestration.api.PipelineViews.Started;
import ai.pipeline.orchestration.canvas.Canvas;
import ai.pipeline.orchestration.canvas.CanvasJson;
import ai.pipeline.orchestration.canvas.InvalidCanvasException;
import ai.pipeline.orchestration.engine.PipelineEngine;
import ai.pipeline.orchestration.scheduling.ScheduledStarts;
import ai.pipeline.orchestration.scheduling.StartControls;
import ai.pipeline.shared.api.ApiAnswer;
import ai.pipeline.shared.api.ApiRequests;
import ai.pipeline.shared.task.TaskFailure;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** {@code POST /api/v1/workflows} ({@code routes/rest/api-workflows.camel.yaml}): runs a canvas given as JSON, {@code {"canvas": …, "input": …}}. */
@Component("workflowApi")
class WorkflowApi {

    @Schema(description = "a canvas and its input")
    record WorkflowRequest(
            @Schema(description = "{\"task\"}, {\"chain\"}, {\"group\"}, {\"chord\"} or {\"map\"}, nested as needed; "
                    + "the whole canvas may add \"on_failure\": a canvas run once if it fails (docs/on-failure.md)",
                    example = "{\"chain\": [{\"task\": \"core.echo\"}, {\"task\": \"core.sleep\", \"args\": {\"ms\": 10}}]}",
                    requiredMode = Schema.RequiredMode.REQUIRED)
            @NotNull(message = "is required: a canvas such as {\"task\": \"core.echo\"}") JsonNode canvas,
            @Schema(description = "the first tasks' input: any JSON", example = "{\"x\": 1}") JsonNode input,
            @Schema(description = "makes the request idempotent: a repeated request with the same id answers the earlier run")
            @Size(max = 200) String requestId,
            @Schema(description = StartRequests.COUNTDOWN, example = "60") Double countdownS,
            @Schema(description = StartRequests.ETA, example = "2026-12-05T09:30:00Z") String eta,
            @Schema(description = StartRequests.CALLBACK, example = "https://example.com/hooks/runs") String callbackUrl) {
    }

    private final PipelineService pipelines;
    private final CanvasJson canvasJson;
    private final ApiRequests requests;
    private final ScheduledStarts starts;

    WorkflowApi(PipelineService pipelines, CanvasJson canvasJson, ApiRequests requests, ScheduledStarts starts) {
        this.starts = starts;
        this.pipelines = pipelines;
        this.canvasJson = canvasJson;
        this.requests = requests;
    }

    public ApiAnswer run(Message message) {
        WorkflowRequest request = requests.body(message, WorkflowRequest.class);
        Canvas canvas;
        try {
            canvas = canvasJson.parse(request.canvas());
        } catch (InvalidCanvasException e) {
            throw TaskFailure.invalidInput("invalid canvas: " + e.getMessage());
        }
        StartControls controls = starts.controls(request.countdownS(), request.eta(), request.callbackUrl());
        PipelineEngine.Started started = starts.start(pipelines.requestFor(canvas, request.input(), request.requestId(), "rest"),
                controls);
        return ApiAnswer.accepted(new Started(started.chainId(), PipelineService.WORKFLOW,
                pipelines.get(started.chainId()).status.name(), started.existing()));
    }
}

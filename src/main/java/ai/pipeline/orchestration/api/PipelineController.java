package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.PipelineService;
import ai.pipeline.orchestration.api.PipelineViews.InputView;
import ai.pipeline.orchestration.api.PipelineViews.Page;
import ai.pipeline.orchestration.api.PipelineViews.PipelineInfo;
import ai.pipeline.orchestration.api.PipelineViews.PipelineList;
import ai.pipeline.orchestration.api.PipelineViews.PipelineView;
import ai.pipeline.orchestration.api.PipelineViews.RouteInfo;
import ai.pipeline.orchestration.api.PipelineViews.StageInfo;
import ai.pipeline.orchestration.api.PipelineViews.TaskList;
import ai.pipeline.orchestration.api.TaskViews.ArgumentInfo;
import ai.pipeline.orchestration.canvas.CanvasJson;
import ai.pipeline.orchestration.canvas.CanvasOptions;
import ai.pipeline.orchestration.pipelines.PipelineCatalog;
import ai.pipeline.orchestration.store.PipelineRow;
import ai.pipeline.orchestration.store.PipelineStatus;
import ai.pipeline.shared.api.ApiResponse;
import ai.pipeline.shared.task.TaskFailure;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Arrays;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * The named pipelines, and any run's records, history, cancel and retry, under
 * {@code /api/v1/pipelines}; the AI pipeline's own views answer 404 for runs of other pipelines.
 */
@RestController
@RequestMapping("/api/v1/pipelines")
@Tag(name = "pipeline runs", description = "any run's record, tasks, history, cancel and retry")
class PipelineController {

    private static final int MAX_PAGE_SIZE = 200;
    private static final String AI_PIPELINE = "ai-pipeline";

    private final PipelineService pipelines;
    private final PipelineCatalog catalog;
    private final CanvasOptions options;
    private final CanvasJson canvasJson;
    private final JsonMapper json;

    PipelineController(PipelineService pipelines, PipelineCatalog catalog, CanvasJson canvasJson, CanvasOptions options,
                       JsonMapper json) {
        this.pipelines = pipelines;
        this.catalog = catalog;
        this.canvasJson = canvasJson;
        this.options = options;
        this.json = json;
    }

    @GetMapping
    @Operation(summary = "The named pipelines: their inputs, options, stages and canvases")
    @ApiStatuses(errors = {})
    ApiResponse<PipelineList> list() {
        return ApiResponse.ok(new PipelineList(catalog.all().stream().map(d -> new PipelineInfo(d.name(), d.description(),
                "/api/v1/pipelines/" + d.name(),
                d.inputs().stream().map(k -> new InputView(k.key(), k.accepts())).toList(),
                d.stages().stream().map(s -> new StageInfo(s.name(), s.node(), s.description())).toList(),
                options.offered(d.canvas()).values().stream().map(ArgumentInfo::of).toList(),
                canvasJson.toJson(d.canvas()), RouteInfo.of(d.source()))).toList()));
    }

    @GetMapping("/history")
    @Operation(summary = "All runs, newest first, paged; filter by pipeline name and status")
    @ApiStatuses(errors = {400, 503})
    ApiResponse<Page<PipelineView>> history(
            @Parameter(example = "document-analysis") @RequestParam(required = false) String pipeline,
            @Parameter(schema = @Schema(allowableValues = {"PENDING", "RUNNING", "SUCCESS", "FAILURE", "CANCELLED"}))
            @RequestParam(required = false) String status,
            @Parameter(schema = @Schema(minimum = "0", defaultValue = "0")) @RequestParam(defaultValue = "0") int page,
            @Parameter(schema = @Schema(minimum = "1", maximum = "200", defaultValue = "20"))
            @RequestParam(defaultValue = "20") int size) {
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw TaskFailure.invalidInput("page must be >= 0 and size between 1 and " + MAX_PAGE_SIZE);
        }
        PipelineStatus statusFilter = parseStatus(status);
        var items = pipelines.history(pipeline, statusFilter, page, size).stream()
                .map(row -> PipelineView.of(row, json, false)).toList();
        return ApiResponse.ok(new Page<>(items, page, size, pipelines.historyTotal(pipeline, statusFilter)));
    }

    @GetMapping("/{chain_id}")
    @Operation(summary = "A run's record: status, timings, input and, when done, result or error")
    @ApiStatuses(errors = {404, 503})
    ApiResponse<PipelineView> get(@PathVariable("chain_id") String chainId) {
        return ApiResponse.ok(PipelineView.of(pipelines.get(chainId), json, true));
    }

    @GetMapping("/{chain_id}/tasks")
    @Operation(summary = "A run's tasks with state, attempts, timings, result and error (and its stages, if named)")
    @ApiStatuses(errors = {404, 503})
    ApiResponse<TaskList> tasks(@PathVariable("chain_id") String chainId) {
        return ApiResponse.ok(taskList(pipelines.get(chainId)));
    }

    @DeleteMapping("/{chain_id}/cancel")
    @Operation(summary = "Cancel a run that has not ended: nothing more starts, running tasks are told to stop")
    @ApiStatuses(errors = {404, 409, 503})
    ApiResponse<PipelineView> cancel(@PathVariable("chain_id") String chainId) {
        pipelines.cancel(chainId);
        return ApiResponse.ok(PipelineView.of(pipelines.get(chainId), json, false));
    }

    @PostMapping("/{chain_id}/retry")
    @Operation(summary = "Resume a failed run from its failed tasks, reusing every result that succeeded")
    @ApiStatuses(success = 202, errors = {404, 409, 503})
    ResponseEntity<ApiResponse<PipelineView>> retry(@PathVariable("chain_id") String chainId) {
        pipelines.retry(chainId);
        return ResponseEntity.accepted().body(ApiResponse.ok(PipelineView.of(pipelines.get(chainId), json, false)));
    }

    @GetMapping("/ai-pipeline/{chain_id}/tasks")
    @Operation(summary = "An AI pipeline run's four stages and its tasks, each with its stage, state, attempts and timings")
    @ApiStatuses(errors = {404, 503})
    ApiResponse<TaskList> aiPipelineTasks(@PathVariable("chain_id") String chainId) {
        return ApiResponse.ok(taskList(run(chainId, AI_PIPELINE)));
    }

    @DeleteMapping("/ai-pipeline/{chain_id}/cancel")
    @Operation(summary = "Cancel an AI pipeline run")
    @ApiStatuses(errors = {404, 409, 503})
    ApiResponse<PipelineView> cancelAiPipeline(@PathVariable("chain_id") String chainId) {
        run(chainId, AI_PIPELINE);
        return cancel(chainId);
    }

    private TaskList taskList(PipelineRow row) {
        return TaskList.of(row, catalog.find(row.pipeline).orElse(null), pipelines.tasks(row.chainId),
                pipelines.attempts(row.chainId), json);
    }

    /** The run, which must be one of {@code pipeline}: another pipeline's chain id is not found here. */
    private PipelineRow run(String chainId, String pipeline) {
        PipelineRow row = pipelines.get(chainId);
        if (!pipeline.equals(row.pipeline)) {
            throw TaskFailure.notFound("no " + pipeline + " run with chain id " + chainId + " (it is a run of "
                    + row.pipeline + ": use /api/v1/pipelines/" + chainId + ")");
        }
        return row;
    }

    private static PipelineStatus parseStatus(String status) {
        if (status == null || status.isBlank()) {
            return null;
        }
        try {
            return PipelineStatus.valueOf(status.trim().toUpperCase());
        } catch (IllegalArgumentException e) {
            throw TaskFailure.invalidInput("status must be one of " + Arrays.toString(PipelineStatus.values()));
        }
    }
}

package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.FinishedRunService;
import ai.pipeline.orchestration.PipelineService;
import ai.pipeline.orchestration.api.PipelineViews.Deleted;
import ai.pipeline.orchestration.api.PipelineViews.InputView;
import ai.pipeline.orchestration.api.PipelineViews.Page;
import ai.pipeline.orchestration.api.PipelineViews.PipelineInfo;
import ai.pipeline.orchestration.api.PipelineViews.PipelineList;
import ai.pipeline.orchestration.api.PipelineViews.PipelineView;
import ai.pipeline.orchestration.api.PipelineViews.RouteInfo;
import ai.pipeline.orchestration.api.PipelineViews.StageInfo;
import ai.pipeline.orchestration.api.PipelineViews.Started;
import ai.pipeline.orchestration.api.PipelineViews.TaskList;
import ai.pipeline.orchestration.api.TaskViews.ArgumentInfo;
import ai.pipeline.orchestration.canvas.CanvasJson;
import ai.pipeline.orchestration.canvas.CanvasOptions;
import ai.pipeline.orchestration.engine.PipelineEngine;
import ai.pipeline.orchestration.pipelines.PipelineCatalog;
import ai.pipeline.orchestration.store.HistoryFilter;
import ai.pipeline.orchestration.store.PipelineRow;
import ai.pipeline.orchestration.store.PipelineStatus;
import ai.pipeline.shared.api.ApiResponse;
import ai.pipeline.shared.task.TaskFailure;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
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
 * The named pipelines, and any run's records, history, cancel, retry, re-run and deletion, under
 * {@code /api/v1/pipelines}; the AI pipeline's own views answer 404 for runs of other pipelines.
 */
@RestController
@RequestMapping("/api/v1/pipelines")
@Tag(name = "pipeline runs", description = "any run's record, tasks, history, cancel, retry, re-run and deletion")
class PipelineController {

    private static final int MAX_PAGE_SIZE = 200;
    private static final String AI_PIPELINE = "ai-pipeline";
    private static final String SOURCE = "rest";
    private static final Pattern CHAIN_ID_PREFIX = Pattern.compile("[A-Za-z0-9-]{1,36}");
    private static final int MAX_REQUEST_ID = 200;
    /** The doors a run can come through (REST here, the drop folder and Kafka in ai.pipeline.ingress). */
    private static final List<String> SOURCES = List.of("rest", "drop-folder", "kafka", "schedule");

    private final PipelineService pipelines;
    private final FinishedRunService finishedRuns;
    private final PipelineCatalog catalog;
    private final CanvasOptions options;
    private final CanvasJson canvasJson;
    private final JsonMapper json;
    private final RunRecords records;

    PipelineController(PipelineService pipelines, FinishedRunService finishedRuns, PipelineCatalog catalog, CanvasJson canvasJson,
                       CanvasOptions options, JsonMapper json, RunRecords records) {
        this.records = records;
        this.pipelines = pipelines;
        this.finishedRuns = finishedRuns;
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
    @Operation(summary = "All runs, newest first, paged; search by pipeline, statuses, chain id (or its start), "
            + "request id, source and creation time")
    @ApiStatuses(errors = {400, 503})
    ApiResponse<Page<PipelineView>> history(
            @Parameter(example = "document-analysis") @RequestParam(required = false) String pipeline,
            @Parameter(description = "one or more, repeated or comma-separated: status=FAILURE,CANCELLED",
                    array = @ArraySchema(schema = @Schema(allowableValues = {"SCHEDULED", "PENDING", "RUNNING", "SUCCESS", "FAILURE", "CANCELLED"})))
            @RequestParam(required = false) List<String> status,
            @Parameter(name = "chain_id", description = "a chain id or its start (letters, digits, dashes)", example = "3f0c2a51")
            @RequestParam(name = "chain_id", required = false) String chainId,
            @Parameter(name = "request_id", description = "the request_id the client gave when it started the run")
            @RequestParam(name = "request_id", required = false) String requestId,
            @Parameter(description = "the door the run came through",
                    schema = @Schema(allowableValues = {"rest", "drop-folder", "kafka", "schedule"}))
            @RequestParam(required = false) String source,
            @Parameter(name = "created_from", description = "created at or after this instant (ISO-8601)",
                    example = "2026-12-05T09:00:00Z")
            @RequestParam(name = "created_from", required = false) String createdFrom,
            @Parameter(name = "created_to", description = "created before this instant (ISO-8601)",
                    example = "2026-12-05T10:00:00Z")
            @RequestParam(name = "created_to", required = false) String createdTo,
            @Parameter(schema = @Schema(minimum = "0", defaultValue = "0")) @RequestParam(defaultValue = "0") int page,
            @Parameter(schema = @Schema(minimum = "1", maximum = "200", defaultValue = "20"))
            @RequestParam(defaultValue = "20") int size) {
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw TaskFailure.invalidInput("page must be >= 0 and size between 1 and " + MAX_PAGE_SIZE);
        }
        HistoryFilter filter = new HistoryFilter(blankToNull(pipeline), parseStatuses(status), parseChainId(chainId),
                parseRequestId(requestId), parseSource(source), parseInstant("created_from", createdFrom),
                parseInstant("created_to", createdTo));
        if (filter.createdFrom() != null && filter.createdTo() != null && !filter.createdFrom().isBefore(filter.createdTo())) {
            throw TaskFailure.invalidInput("created_from must be before created_to");
        }
        var items = pipelines.history(filter, page, size).stream()
                .map(row -> PipelineView.of(row, json, false)).toList();
        return ApiResponse.ok(new Page<>(items, page, size, pipelines.historyTotal(filter)));
    }

    @GetMapping("/{chain_id}")
    @Operation(summary = "A run's record: status, timings, input and, when done, result or error; the run it re-runs and its re-runs")
    @ApiStatuses(errors = {404, 503})
    ApiResponse<PipelineView> get(@PathVariable("chain_id") String chainId) {
        return ApiResponse.ok(records.record(chainId));
    }

    @DeleteMapping("/{chain_id}")
    @Operation(summary = "Delete a finished run: its records and the files it wrote under storage (normalized/, results/, "
            + "annotated/) and its outbox file; the files it was given (uploads) stay")
    @ApiStatuses(errors = {404, 409, 503})
    ApiResponse<Deleted> delete(@PathVariable("chain_id") String chainId) {
        return ApiResponse.ok(new Deleted(chainId, finishedRuns.delete(chainId).files()));
    }

    @PostMapping("/{chain_id}/rerun")
    @Operation(summary = "Run a finished run again: a new run with the same canvas and input, linked to it by rerun_of")
    @ApiStatuses(success = 202, errors = {404, 409, 503})
    ResponseEntity<ApiResponse<Started>> rerun(@PathVariable("chain_id") String chainId) {
        PipelineEngine.Started started = finishedRuns.rerun(chainId, SOURCE);
        PipelineRow row = pipelines.get(started.chainId());
        return ResponseEntity.accepted().body(ApiResponse.ok(new Started(row.chainId, row.pipeline, row.status.name(), false)));
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

    private static Set<PipelineStatus> parseStatuses(List<String> statuses) {
        Set<PipelineStatus> parsed = EnumSet.noneOf(PipelineStatus.class);
        for (String status : statuses == null ? List.<String>of() : statuses) {
            if (status == null || status.isBlank()) {
                continue;
            }
            try {
                parsed.add(PipelineStatus.valueOf(status.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw TaskFailure.invalidInput("status must be one of " + Arrays.toString(PipelineStatus.values())
                        + " (one or more, comma-separated)");
            }
        }
        return parsed;
    }

    private static String parseChainId(String chainId) {
        String value = blankToNull(chainId);
        if (value != null && !CHAIN_ID_PREFIX.matcher(value).matches()) {
            throw TaskFailure.invalidInput("chain_id must be a chain id or its start: up to 36 letters, digits and dashes");
        }
        return value;
    }

    private static String parseRequestId(String requestId) {
        String value = blankToNull(requestId);
        if (value != null && value.length() > MAX_REQUEST_ID) {
            throw TaskFailure.invalidInput("request_id must be at most " + MAX_REQUEST_ID + " characters");
        }
        return value;
    }

    private static String parseSource(String source) {
        String value = blankToNull(source);
        if (value != null && !SOURCES.contains(value)) {
            throw TaskFailure.invalidInput("source must be one of " + SOURCES);
        }
        return value;
    }

    private static Instant parseInstant(String parameter, String value) {
        String text = blankToNull(value);
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw TaskFailure.invalidInput(parameter + " must be an ISO-8601 instant with its offset, "
                    + "such as 2026-12-05T09:30:00Z");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}

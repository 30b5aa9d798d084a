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
import ai.pipeline.shared.api.ApiAnswer;
import ai.pipeline.shared.api.ApiRequests;
import ai.pipeline.shared.api.ApiResponse;
import ai.pipeline.shared.task.TaskFailure;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The named pipelines, and any run's records, history, cancel, retry, re-run and deletion, under
 * {@code /api/v1/pipelines} ({@code routes/rest/api-runs.camel.yaml}); the AI pipeline's own views
 * answer 404 for runs of other pipelines.
 */
@Component("pipelineApi")
class PipelineApi {

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

    PipelineApi(PipelineService pipelines, FinishedRunService finishedRuns, PipelineCatalog catalog, CanvasJson canvasJson,
                CanvasOptions options, JsonMapper json, RunRecords records) {
        this.records = records;
        this.pipelines = pipelines;
        this.finishedRuns = finishedRuns;
        this.catalog = catalog;
        this.canvasJson = canvasJson;
        this.options = options;
        this.json = json;
    }

    public ApiResponse<PipelineList> list() {
        return ApiResponse.ok(new PipelineList(catalog.all().stream().map(d -> new PipelineInfo(d.name(), d.description(),
                "/api/v1/pipelines/" + d.name(),
                d.inputs().stream().map(k -> new InputView(k.key(), k.accepts())).toList(),
                d.stages().stream().map(s -> new StageInfo(s.name(), s.node(), s.description())).toList(),
                options.offered(d.canvas()).values().stream().map(ArgumentInfo::of).toList(),
                canvasJson.toJson(d.canvas()), RouteInfo.of(d.source()))).toList()));
    }

    public ApiResponse<Page<PipelineView>> history(Message request) {
        int page = ApiRequests.intParam(request, "page", 0);
        int size = ApiRequests.intParam(request, "size", 20);
        String pipeline = ApiRequests.param(request, "pipeline");
        List<String> status = ApiRequests.params(request, "status");
        String chainId = ApiRequests.param(request, "chain_id");
        String requestId = ApiRequests.param(request, "request_id");
        String source = ApiRequests.param(request, "source");
        String createdFrom = ApiRequests.param(request, "created_from");
        String createdTo = ApiRequests.param(request, "created_to");
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

    public ApiResponse<PipelineView> get(Message request) {
        return ApiResponse.ok(records.record(chainId(request)));
    }

    public ApiResponse<Deleted> delete(Message request) {
        String chainId = chainId(request);
        return ApiResponse.ok(new Deleted(chainId, finishedRuns.delete(chainId).files()));
    }

    public ApiAnswer rerun(Message request) {
        String chainId = chainId(request);
        PipelineEngine.Started started = finishedRuns.rerun(chainId, SOURCE);
        PipelineRow row = pipelines.get(started.chainId());
        return ApiAnswer.accepted(new Started(row.chainId, row.pipeline, row.status.name(), false));
    }

    public ApiResponse<TaskList> tasks(Message request) {
        String chainId = chainId(request);
        return ApiResponse.ok(taskList(pipelines.get(chainId)));
    }

    public ApiResponse<PipelineView> cancel(Message request) {
        return cancel(chainId(request));
    }

    private ApiResponse<PipelineView> cancel(String chainId) {
        pipelines.cancel(chainId);
        return ApiResponse.ok(PipelineView.of(pipelines.get(chainId), json, false));
    }

    public ApiResponse<PipelineView> revokeTask(Message request) {
        String chainId = chainId(request);
        pipelines.revokeTask(chainId, ApiRequests.param(request, "node"));
        return ApiResponse.ok(PipelineView.of(pipelines.get(chainId), json, false));
    }

    public ApiAnswer retry(Message request) {
        String chainId = chainId(request);
        pipelines.retry(chainId, ApiRequests.param(request, "from"));
        return ApiAnswer.accepted(PipelineView.of(pipelines.get(chainId), json, false));
    }

    public ApiResponse<TaskList> aiPipelineTasks(Message request) {
        String chainId = chainId(request);
        return ApiResponse.ok(taskList(run(chainId, AI_PIPELINE)));
    }

    public ApiResponse<PipelineView> cancelAiPipeline(Message request) {
        String chainId = chainId(request);
        run(chainId, AI_PIPELINE);
        return cancel(chainId);
    }

    private static String chainId(Message request) {
        return request.getHeader("chain_id", String.class);
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

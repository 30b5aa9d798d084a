package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.PipelineService;
import ai.pipeline.orchestration.api.PipelineViews.Page;
import ai.pipeline.orchestration.api.PipelineViews.PipelineView;
import ai.pipeline.orchestration.api.PipelineViews.TaskView;
import ai.pipeline.orchestration.store.PipelineStatus;
import ai.pipeline.shared.api.ApiResponse;
import ai.pipeline.shared.task.TaskFailure;
import java.util.Arrays;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/** Any pipeline's records, history, cancel and retry, under {@code /api/v1/pipelines}. */
@RestController
@RequestMapping("/api/v1/pipelines")
class PipelineController {

    private static final int MAX_PAGE_SIZE = 200;

    private final PipelineService pipelines;
    private final JsonMapper json;

    PipelineController(PipelineService pipelines, JsonMapper json) {
        this.pipelines = pipelines;
        this.json = json;
    }

    @GetMapping("/history")
    ApiResponse<Page<PipelineView>> history(@RequestParam(required = false) String pipeline,
                                            @RequestParam(required = false) String status,
                                            @RequestParam(defaultValue = "0") int page,
                                            @RequestParam(defaultValue = "20") int size) {
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw TaskFailure.invalidInput("page must be >= 0 and size between 1 and " + MAX_PAGE_SIZE);
        }
        PipelineStatus statusFilter = parseStatus(status);
        var items = pipelines.history(pipeline, statusFilter, page, size).stream()
                .map(row -> PipelineView.of(row, json, false)).toList();
        return ApiResponse.ok(new Page<>(items, page, size, pipelines.historyTotal(pipeline, statusFilter)));
    }

    @GetMapping("/{chainId}")
    ApiResponse<PipelineView> get(@PathVariable String chainId) {
        return ApiResponse.ok(PipelineView.of(pipelines.get(chainId), json, true));
    }

    @GetMapping("/{chainId}/tasks")
    ApiResponse<Map<String, Object>> tasks(@PathVariable String chainId) {
        var tasks = TaskView.of(pipelines.tasks(chainId), pipelines.attempts(chainId), json);
        return ApiResponse.ok(Map.of("chain_id", chainId, "tasks", tasks));
    }

    @DeleteMapping("/{chainId}/cancel")
    ApiResponse<PipelineView> cancel(@PathVariable String chainId) {
        pipelines.cancel(chainId);
        return ApiResponse.ok(PipelineView.of(pipelines.get(chainId), json, false));
    }

    @PostMapping("/{chainId}/retry")
    ResponseEntity<ApiResponse<PipelineView>> retry(@PathVariable String chainId) {
        pipelines.retry(chainId);
        return ResponseEntity.accepted().body(ApiResponse.ok(PipelineView.of(pipelines.get(chainId), json, false)));
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

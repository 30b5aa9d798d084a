package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.api.PipelineViews.AttemptView;
import ai.pipeline.orchestration.monitor.TaskStories;
import ai.pipeline.shared.api.ApiResponse;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code GET /api/v1/pipelines/{chain_id}/tasks/{node}}: one task's full story. */
@RestController
@RequestMapping("/api/v1/pipelines")
@Tag(name = "pipeline runs")
class TaskStoryController {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TaskStoryView(String chainId, String pipeline, String taskId, String node, String name,
                         @Schema(allowableValues = {"PENDING", "STARTED", "RETRY", "SUCCESS", "FAILURE", "REVOKED"}) String state,
                         int attempt, int maxAttempts, Instant queuedAt, Instant startedAt, Instant finishedAt, Long durationMs,
                         @Schema(description = "the arguments the canvas gives this task") Map<String, Object> args,
                         @Schema(description = "true when the task takes no input (its canvas marks it immutable)") boolean immutable,
                         @Schema(description = "what the task was given: absent until it is dispatched") TaskStories.Input input,
                         JsonNode result, String error, List<AttemptView> attempts) {
    }

    private final TaskStories stories;
    private final JsonMapper json;

    TaskStoryController(TaskStories stories, JsonMapper json) {
        this.stories = stories;
        this.json = json;
    }

    @GetMapping("/{chain_id}/tasks/{node}")
    @Operation(summary = "One task's full story: its arguments, its input (the first 2,000 characters unless full_input=true), "
            + "its result and every finished attempt with its worker, duration and error")
    @ApiStatuses(errors = {404, 503})
    ApiResponse<TaskStoryView> story(@PathVariable("chain_id") String chainId,
                                     @Parameter(description = "the task's node, as …/tasks lists it", example = "1.h0")
                                     @PathVariable String node,
                                     @Parameter(name = "full_input", description = "true: the whole input, however long")
                                     @RequestParam(name = "full_input", defaultValue = "false") boolean fullInput) {
        TaskStories.Story story = stories.story(chainId, node, fullInput);
        var t = story.task();
        return ApiResponse.ok(new TaskStoryView(t.chainId, story.pipeline().pipeline, t.taskId, t.node, t.name, t.state.name(),
                t.attempt, t.maxAttempts, t.queuedAt, t.startedAt, t.finishedAt,
                t.startedAt == null || t.finishedAt == null ? null : Duration.between(t.startedAt, t.finishedAt).toMillis(),
                story.args(), story.immutable(), story.input(), t.result == null ? null : json.readTree(t.result), t.error,
                story.attempts().stream().map(AttemptView::of).toList()));
    }
}

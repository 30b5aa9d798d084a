package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.api.PipelineViews.AttemptView;
import ai.pipeline.orchestration.monitor.TaskStories;
import ai.pipeline.shared.api.ApiRequests;
import ai.pipeline.shared.api.ApiResponse;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code GET /api/v1/pipelines/{chain_id}/tasks/{node}} ({@code routes/rest/api-runs.camel.yaml}): one task's full story. */
@Component("taskStoryApi")
class TaskStoryApi {

    /** {@code args}: what the canvas gives the task; {@code immutable}: it takes no input; {@code input}: absent until dispatched. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TaskStoryView(String chainId, String pipeline, String taskId, String node, String name, String state,
                         int attempt, int maxAttempts, Instant queuedAt, Instant startedAt, Instant finishedAt, Long durationMs,
                         Map<String, Object> args, boolean immutable, TaskStories.Input input,
                         JsonNode result, String error, List<AttemptView> attempts) {
    }

    private final TaskStories stories;
    private final JsonMapper json;

    TaskStoryApi(TaskStories stories, JsonMapper json) {
        this.stories = stories;
        this.json = json;
    }

    public ApiResponse<TaskStoryView> story(Message request) {
        boolean fullInput = "true".equals(ApiRequests.param(request, "full_input"));
        TaskStories.Story story = stories.story(ApiRequests.param(request, "chain_id"), ApiRequests.param(request, "node"), fullInput);
        var t = story.task();
        return ApiResponse.ok(new TaskStoryView(t.chainId, story.pipeline().pipeline, t.taskId, t.node, t.name, t.state.name(),
                t.attempt, t.maxAttempts, t.queuedAt, t.startedAt, t.finishedAt,
                t.startedAt == null || t.finishedAt == null ? null : Duration.between(t.startedAt, t.finishedAt).toMillis(),
                story.args(), story.immutable(), story.input(), t.result == null ? null : json.readTree(t.result), t.error,
                story.attempts().stream().map(AttemptView::of).toList()));
    }
}

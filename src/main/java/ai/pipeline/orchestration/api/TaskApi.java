package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.api.TaskViews.TaskInfo;
import ai.pipeline.orchestration.api.TaskViews.TaskList;
import ai.pipeline.orchestration.engine.TaskRegistry;
import ai.pipeline.shared.api.ApiResponse;
import org.springframework.stereotype.Component;

/** {@code GET /api/v1/tasks} ({@code routes/rest/api-tasks.camel.yaml}): the task catalogue, every registered task with the arguments it declares. */
@Component("taskApi")
class TaskApi {

    private final TaskRegistry registry;

    TaskApi(TaskRegistry registry) {
        this.registry = registry;
    }

    public ApiResponse<TaskList> list() {
        return ApiResponse.ok(new TaskList(registry.all().stream().map(TaskInfo::of).toList()));
    }
}

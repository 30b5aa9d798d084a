package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.api.TaskViews.TaskInfo;
import ai.pipeline.orchestration.api.TaskViews.TaskList;
import ai.pipeline.orchestration.engine.TaskRegistry;
import ai.pipeline.shared.api.ApiResponse;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/tasks}: the task catalogue, every registered task with the arguments it declares. */
@RestController
@RequestMapping("/api/v1/tasks")
@Tag(name = "tasks", description = "the tasks a canvas may name, and their arguments")
class TaskController {

    private final TaskRegistry registry;

    TaskController(TaskRegistry registry) {
        this.registry = registry;
    }

    @GetMapping
    @Operation(summary = "Every registered task, by name, with its arguments: type, default, bounds, description")
    @ApiStatuses(errors = {})
    ApiResponse<TaskList> list() {
        return ApiResponse.ok(new TaskList(registry.all().stream().map(TaskInfo::of).toList()));
    }
}

package ai.pipeline.orchestration.api;

import ai.pipeline.shared.task.TaskArgument;
import ai.pipeline.shared.task.TaskDefinition;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** What {@code GET /api/v1/tasks} answers, and how a pipeline's options are listed. */
final class TaskViews {

    private TaskViews() {
    }

    record TaskList(List<TaskInfo> items) {
    }

    /** A registered task: what a canvas may name and which args it takes. */
    record TaskInfo(@Schema(example = "core.sleep") String name, @Schema(example = "core") String domain,
                    String description, List<ArgumentInfo> arguments,
                    @Schema(description = "true when the task takes any other argument as well (core.echo)")
                    boolean otherArguments,
                    @Schema(description = "attempts in all, the first included") int maxAttempts,
                    @Schema(description = "the wait before the first retry") long backoffMs) {

        static TaskInfo of(TaskDefinition task) {
            return new TaskInfo(task.name(), task.domain(), task.description(),
                    task.arguments().list().stream().map(ArgumentInfo::of).toList(), task.arguments().othersAllowed(),
                    task.retry().maxAttempts(), task.retry().backoff().toMillis());
        }
    }

    /** One declared argument; absent bounds are null. */
    record ArgumentInfo(@Schema(example = "ms") String name,
                        @Schema(allowableValues = {"string", "integer", "number", "boolean", "string list", "list", "object"})
                        String type,
                        String description,
                        @Schema(description = "the value when none is given (null: the task's own default, "
                                + "as its description says)") Object defaultValue,
                        @Schema(description = "the least value (a string's length, a list's size)") Number min,
                        @Schema(description = "the greatest value (a string's length, a list's size)") Number max,
                        @Schema(description = "the values a string may take (empty: any)") List<String> allowed,
                        @Schema(description = "a regular expression a string must match") String pattern,
                        @Schema(description = "true for data: when args do not give it, the task reads the input's "
                                + "field of this name; such arguments are not pipeline options") boolean fromInput) {

        static ArgumentInfo of(TaskArgument argument) {
            return new ArgumentInfo(argument.name(), argument.type().label(), argument.description(),
                    argument.defaultValue(), bound(argument.min()), bound(argument.max()), argument.allowed(),
                    argument.pattern(), argument.fromInput());
        }

        /** Whole bounds as integers ({@code 600000}, not {@code 600000.0}). */
        private static Number bound(Double value) {
            return value != null && value == Math.rint(value) && Math.abs(value) < 1e15 ? (Number) value.longValue() : value;
        }
    }
}

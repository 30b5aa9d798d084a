package ai.pipeline.orchestration.canvas;

import ai.pipeline.shared.task.TaskArgument;
import ai.pipeline.shared.task.TaskArguments;
import ai.pipeline.shared.task.TaskFailure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A named pipeline's options (the start request's {@code options}) handed to its steps. An option
 * goes into the args of every task signature whose task declares a setting of that name (an
 * argument that is not data read from the input), over the step's own value: the caller asked for
 * it. An option that no step takes, or that a step that takes it refuses (type, bounds), is bad
 * input naming it, before anything is recorded.
 */
public final class CanvasOptions {

    private final Function<String, Optional<TaskArguments>> declaredArguments;

    /** {@code declaredArguments}: a registered task's arguments by task name. */
    public CanvasOptions(Function<String, Optional<TaskArguments>> declaredArguments) {
        this.declaredArguments = declaredArguments;
    }

    /** The options the steps of {@code canvas} take, by name (the first step's declaration of each). */
    public Map<String, TaskArgument> offered(Canvas canvas) {
        Map<String, TaskArgument> offered = new LinkedHashMap<>();
        for (Canvas.Task task : canvas.tasks()) {
            settings(task).forEach(argument -> offered.putIfAbsent(argument.name(), argument));
        }
        return offered;
    }

    /** {@code canvas} with each option in the args of the steps that take it; {@code pipeline} names it in messages. */
    public Canvas apply(String pipeline, Canvas canvas, Map<String, ?> options) {
        if (options == null || options.isEmpty()) {
            return canvas;
        }
        Map<String, TaskArgument> offered = offered(canvas);
        Set<String> unknown = new TreeSet<>(options.keySet());
        unknown.removeAll(offered.keySet());
        if (!unknown.isEmpty()) {
            throw TaskFailure.invalidInput("unknown option '" + unknown.iterator().next() + "': no step of " + pipeline
                    + " takes it; " + (offered.isEmpty() ? "it takes no options" : "its options are "
                    + offered.values().stream().map(a -> a.name() + " (" + a.type().label() + ")")
                    .collect(Collectors.joining(", "))));
        }
        return canvas.withTasks(task -> withOptions(task, options));
    }

    private Canvas.Task withOptions(Canvas.Task task, Map<String, ?> options) {
        Canvas.Task given = task;
        for (TaskArgument setting : settings(task)) {
            if (options.get(setting.name()) != null) {
                Object value;
                try {
                    value = setting.check(options.get(setting.name()), "option");
                } catch (TaskFailure e) {
                    throw TaskFailure.invalidInput(e.getMessage() + " (for " + task.name() + ")");
                }
                given = given.arg(setting.name(), value);
            }
        }
        return given;
    }

    /** The arguments of a step that are settings, not data from the input. */
    private List<TaskArgument> settings(Canvas.Task task) {
        return declaredArguments.apply(task.name()).map(TaskArguments::list).orElse(List.of()).stream()
                .filter(argument -> !argument.fromInput()).toList();
    }
}

package ai.pipeline.orchestration.canvas;

import ai.pipeline.shared.task.TaskArguments;
import ai.pipeline.shared.task.TaskFailure;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Semantic checks a canvas must pass before it is recorded: every task is registered and given only
 * arguments it declares, of their types and within their bounds; nesting is within the configured
 * depth, and the number of tasks is bounded. The message names the node (and its task).
 */
public final class CanvasValidator {

    private final Function<String, Optional<TaskArguments>> declaredArguments;
    private final int maxDepth;
    private final int maxTasks;

    /** {@code declaredArguments}: a registered task's arguments by task name, empty for an unknown task. */
    public CanvasValidator(Function<String, Optional<TaskArguments>> declaredArguments, int maxDepth, int maxTasks) {
        this.declaredArguments = declaredArguments;
        this.maxDepth = maxDepth;
        this.maxTasks = maxTasks;
    }

    public void validate(Canvas canvas) {
        int[] tasks = {0};
        if (canvas instanceof Canvas.OnFailure f) {
            check(f.canvas(), "$", 1, tasks);
            check(f.handler(), "$.on_failure", 1, tasks);
        } else {
            check(canvas, "$", 1, tasks);
        }
    }

    private void check(Canvas canvas, String path, int depth, int[] tasks) {
        if (depth > maxDepth) {
            throw new InvalidCanvasException(path, "nested deeper than the limit of " + maxDepth);
        }
        if (canvas instanceof Canvas.Task task) {
            checkTask(task, path, tasks);
        } else if (canvas instanceof Canvas.Chain chain) {
            checkAll(chain.steps(), path + ".chain", depth, tasks);
        } else if (canvas instanceof Canvas.Group group) {
            checkAll(group.members(), path + ".group", depth, tasks);
        } else if (canvas instanceof Canvas.Chord chord) {
            checkAll(chord.header(), path + ".chord.header", depth, tasks);
            if (chord.body() == null) {
                throw new InvalidCanvasException(path + ".chord.body", "a chord needs a body");
            }
            check(chord.body(), path + ".chord.body", depth + 1, tasks);
        } else if (canvas instanceof Canvas.ForEach forEach) {
            if (forEach.items() == null || forEach.items().isBlank()) {
                throw new InvalidCanvasException(path + ".map.items", "expected the key of a list in the input");
            }
            checkTask(forEach.task(), path + ".map.task", tasks);
        } else if (canvas instanceof Canvas.OnFailure) {
            throw misplacedOnFailure(path);
        }
    }

    /** An on_failure below the top of the canvas: inside an on-failure canvas, or on one step. */
    static InvalidCanvasException misplacedOnFailure(String path) {
        return new InvalidCanvasException(path + ".on_failure", path.startsWith("$.on_failure")
                ? "an on-failure canvas has no on_failure of its own"
                : "on_failure is taken by the whole canvas only (at $), not by one step");
    }

    private void checkAll(List<Canvas> items, String path, int depth, int[] tasks) {
        if (items == null || items.isEmpty()) {
            throw new InvalidCanvasException(path, "must not be empty");
        }
        for (int i = 0; i < items.size(); i++) {
            check(items.get(i), path + "[" + i + "]", depth + 1, tasks);
        }
    }

    private void checkTask(Canvas.Task task, String path, int[] tasks) {
        TaskArguments arguments = declaredArguments.apply(task.name()).orElseThrow(() ->
                new InvalidCanvasException(path, "unknown task '" + task.name() + "'"));
        try {
            arguments.check(task.args());
        } catch (TaskFailure e) {
            throw new InvalidCanvasException(path + " (" + task.name() + ")", e.getMessage());
        }
        if (++tasks[0] > maxTasks) {
            throw new InvalidCanvasException(path, "more than " + maxTasks + " tasks");
        }
    }
}

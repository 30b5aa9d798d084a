package ai.pipeline.orchestration.canvas;

import java.util.List;
import java.util.function.Predicate;

/**
 * Semantic checks a canvas must pass before it is recorded: every task is registered, nesting is
 * within the configured depth, and the number of tasks is bounded. The message names the node.
 */
public final class CanvasValidator {

    private final Predicate<String> taskExists;
    private final int maxDepth;
    private final int maxTasks;

    public CanvasValidator(Predicate<String> taskExists, int maxDepth, int maxTasks) {
        this.taskExists = taskExists;
        this.maxDepth = maxDepth;
        this.maxTasks = maxTasks;
    }

    public void validate(Canvas canvas) {
        int[] tasks = {0};
        check(canvas, "$", 1, tasks);
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
        }
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
        if (!taskExists.test(task.name())) {
            throw new InvalidCanvasException(path, "unknown task '" + task.name() + "'");
        }
        if (++tasks[0] > maxTasks) {
            throw new InvalidCanvasException(path, "more than " + maxTasks + " tasks");
        }
    }
}

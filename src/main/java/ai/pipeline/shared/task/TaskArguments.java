package ai.pipeline.shared.task;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The arguments a task takes ({@code args} in a canvas, options of a named pipeline): each
 * declared once, beside the task's handler. {@link #check} refuses an argument the task does not
 * declare, or of the wrong type, or out of bounds, with a message naming it; the engine's doors
 * check at start and the worker checks again before the handler runs. Only {@code core.echo},
 * which returns its args, {@linkplain #allowingOthers() takes others too}.
 */
public final class TaskArguments {

    private static final TaskArguments NONE = new TaskArguments(List.of(), false);

    private final Map<String, TaskArgument> declared;
    private final boolean othersAllowed;

    private TaskArguments(List<TaskArgument> arguments, boolean othersAllowed) {
        Map<String, TaskArgument> byName = new LinkedHashMap<>();
        for (TaskArgument argument : arguments) {
            if (byName.put(argument.name(), argument) != null) {
                throw new IllegalArgumentException("argument " + argument.name() + " is declared twice");
            }
        }
        this.declared = byName;
        this.othersAllowed = othersAllowed;
    }

    public static TaskArguments none() {
        return NONE;
    }

    public static TaskArguments of(TaskArgument... arguments) {
        return new TaskArguments(List.of(arguments), false);
    }

    /** The same declarations, and any other argument taken as it is. */
    public TaskArguments allowingOthers() {
        return new TaskArguments(new ArrayList<>(declared.values()), true);
    }

    public List<TaskArgument> list() {
        return List.copyOf(declared.values());
    }

    public Optional<TaskArgument> find(String name) {
        return Optional.ofNullable(declared.get(name));
    }

    public boolean othersAllowed() {
        return othersAllowed;
    }

    /**
     * The args checked and converted to their declared types (null values count as not given);
     * bad input naming the first argument that is unknown, mistyped or out of bounds.
     */
    public Map<String, Object> check(Map<String, ?> args) {
        Map<String, Object> checked = new LinkedHashMap<>();
        if (args == null) {
            return checked;
        }
        for (Map.Entry<String, ?> entry : args.entrySet()) {
            if (entry.getValue() == null) {
                continue;
            }
            TaskArgument argument = declared.get(entry.getKey());
            if (argument != null) {
                checked.put(entry.getKey(), argument.check(entry.getValue()));
            } else if (othersAllowed) {
                checked.put(entry.getKey(), entry.getValue());
            } else {
                throw TaskFailure.invalidInput("unknown argument '" + entry.getKey() + "': " + takes());
            }
        }
        return checked;
    }

    /** The args of a running task, checked, read with their defaults and (for data arguments) from the input. */
    public ArgumentValues read(TaskContext context) {
        return new ArgumentValues(this, check(context.args()), context.input());
    }

    /** {@code it takes ms (integer)}, or {@code it takes no arguments}. */
    String takes() {
        if (declared.isEmpty()) {
            return "it takes no arguments";
        }
        return "it takes " + declared.values().stream().map(a -> a.name() + " (" + a.type().label() + ")")
                .collect(Collectors.joining(", "));
    }
}

package ai.pipeline.shared.task;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A running task's arguments, checked against its {@link TaskArguments}: each read as its declared
 * type, from the args, else (for a data argument, {@link TaskArgument#fromInput()}) from the input's
 * field of that name, else the default, else null. Reading an argument the task did not declare is
 * a programming error, so a handler cannot read what it never declared.
 */
public final class ArgumentValues {

    private final TaskArguments declarations;
    private final Map<String, Object> given;
    private final Object input;

    ArgumentValues(TaskArguments declarations, Map<String, Object> given, Object input) {
        this.declarations = declarations;
        this.given = Collections.unmodifiableMap(given);
        this.input = input;
    }

    /** The args as given (checked and converted), without defaults or input. */
    public Map<String, Object> given() {
        return given;
    }

    /** True when the args themselves give {@code name} (not its default, not the input). */
    public boolean isGiven(String name) {
        declaration(name);
        return given.containsKey(name);
    }

    public String string(String name) {
        return (String) value(name);
    }

    public Long integer(String name) {
        return (Long) value(name);
    }

    public Double number(String name) {
        return (Double) value(name);
    }

    public Boolean bool(String name) {
        return (Boolean) value(name);
    }

    @SuppressWarnings("unchecked")
    public List<String> stringList(String name) {
        return (List<String>) value(name);
    }

    /**
     * The first of {@code names} the args give, else the first the input gives; bad input when
     * none is there or it is blank ({@code missing argument: one of path, document_path}).
     */
    public String requireString(String... names) {
        for (String name : names) {
            if (isGiven(name)) {
                return nonBlank(name, (String) given.get(name));
            }
        }
        for (String name : names) {
            Object value = fromInput(declaration(name));
            if (value != null) {
                return nonBlank(name, (String) value);
            }
        }
        throw TaskFailure.invalidInput("missing argument: " + (names.length == 1 ? names[0]
                : "one of " + String.join(", ", names)));
    }

    /** The value of a declared argument as its type, or null. */
    public Object value(String name) {
        TaskArgument argument = declaration(name);
        if (given.containsKey(name)) {
            return given.get(name);
        }
        Object fromInput = fromInput(argument);
        return fromInput != null ? fromInput : argument.defaultValue();
    }

    private Object fromInput(TaskArgument argument) {
        if (!argument.fromInput() || !(input instanceof Map<?, ?> fields) || fields.get(argument.name()) == null) {
            return null;
        }
        return argument.check(fields.get(argument.name()), "the input's field");
    }

    private TaskArgument declaration(String name) {
        return declarations.find(name).orElseThrow(() -> new IllegalArgumentException(
                "the task reads argument '" + name + "' but does not declare it"));
    }

    private static String nonBlank(String name, String value) {
        if (value.isBlank()) {
            throw TaskFailure.invalidInput("argument '" + name + "' is blank");
        }
        return value;
    }
}

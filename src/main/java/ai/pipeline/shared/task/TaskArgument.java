package ai.pipeline.shared.task;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One argument a task declares: its name, JSON type and meaning, an optional default and bounds.
 * {@code min}/{@code max} bound a number's value, a string's length and a list's size;
 * {@code allowed} and {@code pattern} constrain a string (or every string of a string list).
 * An argument {@code fromInput} carries data rather than a setting: when the args do not give it,
 * the task takes the field of that name from its input (the previous task's result), and it is not
 * offered as a pipeline option. Built with the factories and {@code with…} methods:
 * {@code TaskArgument.integer("ms", "how long to sleep").between(0, 600_000).withDefault(0)}.
 */
public record TaskArgument(String name, ArgumentType type, String description, Object defaultValue, Double min,
                           Double max, List<String> allowed, String pattern, String format, boolean fromInput) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

    public TaskArgument {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("argument name must be lower snake case: " + name);
        }
        description = description == null ? "" : description;
        allowed = allowed == null ? List.of() : List.copyOf(allowed);
    }

    public static TaskArgument string(String name, String description) {
        return new TaskArgument(name, ArgumentType.STRING, description, null, null, null, null, null, null, false);
    }

    public static TaskArgument integer(String name, String description) {
        return new TaskArgument(name, ArgumentType.INTEGER, description, null, null, null, null, null, null, false);
    }

    public static TaskArgument number(String name, String description) {
        return new TaskArgument(name, ArgumentType.NUMBER, description, null, null, null, null, null, null, false);
    }

    public static TaskArgument bool(String name, String description) {
        return new TaskArgument(name, ArgumentType.BOOLEAN, description, null, null, null, null, null, null, false);
    }

    public static TaskArgument stringList(String name, String description) {
        return new TaskArgument(name, ArgumentType.STRING_LIST, description, null, null, null, null, null, null, false);
    }

    public static TaskArgument list(String name, String description) {
        return new TaskArgument(name, ArgumentType.LIST, description, null, null, null, null, null, null, false);
    }

    public TaskArgument withDefault(Object value) {
        TaskArgument declared = new TaskArgument(name, type, description, null, min, max, allowed, pattern, format, fromInput);
        return new TaskArgument(name, type, description, declared.check(value), min, max, allowed, pattern, format, fromInput);
    }

    public TaskArgument between(double min, double max) {
        return new TaskArgument(name, type, description, defaultValue, min, max, allowed, pattern, format, fromInput);
    }

    public TaskArgument atLeast(double min) {
        return new TaskArgument(name, type, description, defaultValue, min, max, allowed, pattern, format, fromInput);
    }

    public TaskArgument oneOf(String... values) {
        return new TaskArgument(name, type, description, defaultValue, min, max, List.of(values), pattern, format, fromInput);
    }

    /** A string (or each string of a list) must match {@code regex}; {@code format} says so in words for messages. */
    public TaskArgument matching(String regex, String format) {
        Pattern.compile(regex);
        return new TaskArgument(name, type, description, defaultValue, min, max, allowed, regex, format, fromInput);
    }

    /** When the args do not give it, the task reads the input's field of this name. */
    public TaskArgument orFromInput() {
        return new TaskArgument(name, type, description, defaultValue, min, max, allowed, pattern, format, true);
    }

    /**
     * The value converted to this argument's type ({@link ArgumentType#convert}) and within its
     * bounds; otherwise bad input saying what is wrong, e.g. {@code argument 'ms' must be an integer, got "3"}.
     */
    public Object check(Object value) {
        return check(value, "argument");
    }

    /** As {@link #check(Object)}, naming the value as {@code role} in messages ({@code option 'pages' …}). */
    public Object check(Object value, String role) {
        Object converted = type.convert(value);
        if (converted == null) {
            throw invalid(role, "must be " + article(type.label()) + ", got " + shown(value));
        }
        double size = converted instanceof Number n ? n.doubleValue()
                : converted instanceof String s ? s.length()
                : converted instanceof Collection<?> c ? c.size()
                : converted instanceof Map<?, ?> m ? m.size() : 0;
        String measured = converted instanceof Number ? "" : converted instanceof String ? " characters long" : " items long";
        if ((min != null && size < min) || (max != null && size > max)) {
            throw invalid(role, "must be " + range() + measured + ", got " + shown(value));
        }
        if (converted instanceof String s) {
            checkString(s, role);
        } else if (type == ArgumentType.STRING_LIST) {
            ((List<?>) converted).forEach(item -> checkString((String) item, role));
        }
        return converted;
    }

    private void checkString(String value, String role) {
        if (!allowed.isEmpty() && !allowed.contains(value)) {
            throw invalid(role, "must be one of " + String.join(", ", allowed) + ", got " + shown(value));
        }
        if (pattern != null && !Pattern.compile(pattern).matcher(value).matches()) {
            throw invalid(role, "must be " + (format == null ? "text matching " + pattern : format) + ", got " + shown(value));
        }
    }

    private String range() {
        if (min != null && max != null) {
            return "between " + bound(min) + " and " + bound(max);
        }
        return min != null ? "at least " + bound(min) : "at most " + bound(max);
    }

    private TaskFailure invalid(String role, String problem) {
        return TaskFailure.invalidInput(role + " '" + name + "' " + problem);
    }

    private static String bound(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value) : String.valueOf(value);
    }

    private static String article(String label) {
        return ("aeiou".indexOf(label.charAt(0)) >= 0 ? "an " : "a ") + label;
    }

    /** A value as a message shows it: strings quoted and cut short, containers by kind. */
    static String shown(Object value) {
        if (value instanceof String s) {
            return "\"" + (s.length() > 60 ? s.substring(0, 60) + "…" : s) + "\"";
        }
        if (value instanceof List<?> list) {
            return "a list of " + list.size();
        }
        return value instanceof Map<?, ?> ? "an object" : String.valueOf(value);
    }
}

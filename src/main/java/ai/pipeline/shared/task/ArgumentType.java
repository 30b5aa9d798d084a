package ai.pipeline.shared.task;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * The JSON types a task argument may have. Values are taken as JSON gives them, never parsed from
 * strings ({@code "3"} is not an integer), so a mistyped argument is refused rather than guessed.
 */
public enum ArgumentType {
    STRING("string"),
    INTEGER("integer"),
    NUMBER("number"),
    BOOLEAN("boolean"),
    /** A JSON array of strings; a single string is taken as a list of one. */
    STRING_LIST("string list"),
    /** A JSON array of anything (e.g. detected objects). */
    LIST("list"),
    OBJECT("object");

    private final String label;

    ArgumentType(String label) {
        this.label = label;
    }

    /** How the type is named in messages and in the task catalogue: {@code integer}, {@code string list}, … */
    public String label() {
        return label;
    }

    /**
     * The value as this type ({@link Long} for integers, {@link Double} for numbers, a
     * {@code List<String>} for string lists), or null when it is not of this type.
     */
    Object convert(Object value) {
        return switch (this) {
            case STRING -> value instanceof String s ? s : null;
            case INTEGER -> wholeNumber(value);
            case NUMBER -> value instanceof Number n && Double.isFinite(n.doubleValue()) ? n.doubleValue() : null;
            case BOOLEAN -> value instanceof Boolean b ? b : null;
            case STRING_LIST -> stringList(value);
            case LIST -> value instanceof List<?> list ? list : null;
            case OBJECT -> value instanceof Map<?, ?> map ? map : null;
        };
    }

    private static Long wholeNumber(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        try {
            if (value instanceof BigInteger big) {
                return big.longValueExact();
            }
            if (value instanceof BigDecimal decimal) {
                return decimal.longValueExact();
            }
        } catch (ArithmeticException e) {
            return null;
        }
        // JSON has one number type: 3.0 is the integer 3
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) <= (double) (1L << 53)) {
            return (long) n.doubleValue();
        }
        return null;
    }

    private static List<String> stringList(Object value) {
        if (value instanceof String s) {
            return List.of(s);
        }
        if (!(value instanceof List<?> list)) {
            return null;
        }
        for (Object item : list) {
            if (!(item instanceof String)) {
                return null;
            }
        }
        return list.stream().map(String.class::cast).toList();
    }
}

package ai.pipeline.domains.llm;

import ai.pipeline.shared.task.TaskFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * The prompt of {@code llm.generate_text} written in a canvas ({@code args.prompt}), with fields of
 * the task's input — the previous task's result — referenced as {@code {{text}}}, nested as
 * {@code {{source.path}}} or, in a list, by position ({@code {{pages.0.text}}}). Spaces inside the
 * braces are allowed. A string value is put in as it is, any other value (number, boolean, object,
 * list) as JSON. A field the input does not have, or has as null, is bad input naming it (never an
 * empty substitution); so is a {@code {{} that does not open a field reference. The rendered prompt
 * is bounded by {@code app.llm.max-input-chars}.
 *
 * <p>Not langchain4j's {@code PromptTemplate} (which the chat engine uses for its own prompt files):
 * that one takes flat variables and cannot say which nested field is missing.
 */
final class PromptTemplate {

    private static final String OPEN = "{{";
    private static final String CLOSE = "}}";
    private static final Pattern FIELD = Pattern.compile("\\s*([A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)*)\\s*");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Literal text, or a reference to a field of the input. */
    private sealed interface Part permits Literal, Field {
    }

    private record Literal(String text) implements Part {
    }

    private record Field(String path, List<String> segments) implements Part {
    }

    private final List<Part> parts;

    private PromptTemplate(List<Part> parts) {
        this.parts = List.copyOf(parts);
    }

    /** A prompt taken as it is, without field references (a prompt that came as data, not from the canvas). */
    static PromptTemplate literal(String prompt) {
        return new PromptTemplate(List.of(new Literal(prompt)));
    }

    /** Parses a template; a {@code {{} that is not closed or holds no field path is bad input. */
    static PromptTemplate parse(String template) {
        List<Part> parts = new ArrayList<>();
        int at = 0;
        while (at < template.length()) {
            int open = template.indexOf(OPEN, at);
            if (open < 0) {
                parts.add(new Literal(template.substring(at)));
                break;
            }
            if (open > at) {
                parts.add(new Literal(template.substring(at, open)));
            }
            int close = template.indexOf(CLOSE, open + OPEN.length());
            if (close < 0) {
                throw TaskFailure.invalidInput("prompt template: \"{{\" at character " + open
                        + " is not closed with \"}}\"");
            }
            String inside = template.substring(open + OPEN.length(), close);
            Matcher field = FIELD.matcher(inside);
            if (!field.matches()) {
                throw TaskFailure.invalidInput("prompt template: \"{{" + inside + "}}\" at character " + open
                        + " is not a field reference; write {{field}} or {{field.nested}} (letters, digits, _ and -)");
            }
            String path = field.group(1);
            parts.add(new Field(path, List.of(path.split("\\."))));
            at = close + CLOSE.length();
        }
        return new PromptTemplate(parts);
    }

    /** The field paths the template references, in order of appearance. */
    List<String> fields() {
        return parts.stream().filter(Field.class::isInstance).map(p -> ((Field) p).path()).toList();
    }

    /**
     * The prompt with every field reference replaced by the input's value. A value that takes the
     * prompt past {@code maxChars} is too large at once, before it is copied in; the caller checks
     * the finished prompt against the same limit.
     */
    String render(Object input, int maxChars) {
        StringBuilder prompt = new StringBuilder();
        for (Part part : parts) {
            if (part instanceof Field field) {
                String value = valueText(lookUp(field, input));
                if ((long) prompt.length() + value.length() > maxChars) {
                    throw TaskFailure.tooLarge("prompt template: the prompt grows past " + maxChars
                            + " characters when {{" + field.path() + "}} (" + value.length()
                            + " characters) is put in; the limit is " + maxChars + " (app.llm.max-input-chars)");
                }
                prompt.append(value);
            } else {
                prompt.append(((Literal) part).text());
            }
        }
        return prompt.toString();
    }

    private static Object lookUp(Field field, Object input) {
        if (input == null) {
            throw missing(field, "the task has no input (it is the first task without input, or an immutable "
                    + "signature); {{…}} refers to fields of the previous task's result");
        }
        Object value = input;
        List<String> walked = new ArrayList<>();
        for (String segment : field.segments()) {
            String at = walked.isEmpty() ? "the input" : "\"" + String.join(".", walked) + "\"";
            if (value instanceof Map<?, ?> map) {
                if (!map.containsKey(segment)) {
                    throw missing(field, at + " has no field \"" + segment + "\"" + keys(map));
                }
                value = map.get(segment);
            } else if (value instanceof List<?> list) {
                int index = index(segment);
                if (index < 0 || index >= list.size()) {
                    throw missing(field, at + " is a list of " + list.size() + " elements; \"" + segment
                            + "\" is not a position in it (0 to " + (list.size() - 1) + ")");
                }
                value = list.get(index);
            } else {
                throw missing(field, at + " is " + kind(value) + ", not an object with a field \"" + segment + "\"");
            }
            walked.add(segment);
            if (value == null) {
                throw missing(field, "\"" + String.join(".", walked) + "\" is null in the input");
            }
        }
        return value;
    }

    private static String valueText(Object value) {
        if (value instanceof String s) {
            return s;
        }
        return JSON.writeValueAsString(value);
    }

    private static TaskFailure missing(Field field, String why) {
        return TaskFailure.invalidInput("prompt template: field {{" + field.path() + "}} is missing: " + why);
    }

    private static String keys(Map<?, ?> map) {
        if (map.isEmpty()) {
            return " (it is an empty object)";
        }
        List<String> names = map.keySet().stream().map(String::valueOf).sorted().limit(20).toList();
        return " (it has " + String.join(", ", names) + (map.size() > names.size() ? ", …" : "") + ")";
    }

    private static int index(String segment) {
        if (!segment.matches("\\d{1,9}")) {
            return -1;
        }
        return Integer.parseInt(segment);
    }

    private static String kind(Object value) {
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Number) {
            return "a number";
        }
        return value instanceof Boolean ? "a boolean" : "a " + value.getClass().getSimpleName();
    }
}

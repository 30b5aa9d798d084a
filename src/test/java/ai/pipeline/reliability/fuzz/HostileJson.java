package ai.pipeline.reliability.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random canvases and request bodies: mostly plausible structure with hostile values in it (wrong
 * types, huge and negative numbers, unknown tasks and keys, empty lists, NUL and surrogate escapes,
 * nesting past the limit), and plausible JSON text mutated (truncated, a character replaced, a
 * slice repeated). Canvases that are valid finish quickly: sleeps are short, retries few and fast,
 * maps small; the absurd variants are expected to be refused, or to fail at once as bad input.
 */
public final class HostileJson {

    private static final String[] TASKS = {"core.echo", "core.echo", "core.sleep", "core.fail", "core.nope", "", "ocr.extract_text",
            "vision.detect_objects", "llm.summarize", "media.normalize"};
    private static final String[] NUMBERS = {"0", "-1", "1", "3", "2147483648", "-9223372036854775809", "1e308", "-1e308",
            "0.5", "100000000000000000000000000000", "1e-320", "NaN", "\"12\"", "null", "true", "[]", "{}"};
    private static final String[] STRINGS = {"\"\"", "\"x\"", "\"\\u0000\"", "\"\\ud800\"", "\"../../etc/passwd\"", "\"/etc/passwd\"",
            "\"%s\"", "\"' OR 1=1 --\"", "\"${jndi:ldap://x/a}\"", "\"\\n\\r\\t\"", "\"ünï 文件 🙂\""};

    private final Random random;

    public HostileJson(Random random) {
        this.random = random;
    }

    /** A {@code POST /api/v1/workflows} body: a random canvas and input, sometimes mutated as text. */
    public String workflowBody() {
        String body = "{\"canvas\": " + canvas(0) + ", \"input\": " + input()
                + (random.nextInt(5) == 0 ? ", \"request_id\": " + scalar() : "")
                + (random.nextInt(8) == 0 ? ", \"" + word() + "\": " + scalar() : "") + "}";
        return random.nextInt(4) == 0 ? mutate(body) : body;
    }

    /** A random canvas node (JSON text). */
    public String canvas(int depth) {
        int kind = depth > 12 ? 0 : random.nextInt(depth < 3 ? 7 : 10);
        return switch (kind) {
            case 1 -> "{\"chain\": " + members(depth) + "}";
            case 2 -> "{\"group\": " + members(depth) + "}";
            case 3 -> "{\"chord\": {\"header\": " + members(depth) + (random.nextInt(6) == 0 ? "" : ", \"body\": " + canvas(depth + 1))
                    + (random.nextBoolean() ? ", \"policy\": " + pick("\"fail_fast\"", "\"all_settled\"", "\"maybe\"", "7", "null") : "")
                    + (random.nextBoolean() ? ", \"timeout_s\": " + (random.nextBoolean()
                            ? pick("0.001", "30", "-1", "604801", "1e999", "\"5\"") : pick(NUMBERS)) : "")
                    + "}}";
            case 4 -> "{\"map\": {\"items\": " + pick("\"xs\"", "\"xs\"", "\"missing\"", "\"\"", "5", "null")
                    + ", \"task\": " + (random.nextInt(4) == 0 ? canvas(depth + 1) : task()) + "}}";
            case 5 -> pick("{}", "[]", "null", "\"core.echo\"", "{\"task\": \"core.echo\", \"chain\": []}", "{\"chain\": []}",
                    "{\"group\": {}}", "{\"chord\": {\"header\": []}}", "{\"chord\": {\"body\": {\"task\": \"core.echo\"}}}",
                    "{\"map\": {}}", "{\"task\": {}}", "{\"task\": \"core.echo\", \"bogus\": 1}");
            default -> task();
        };
    }

    private String members(int depth) {
        int count = random.nextInt(12) == 0 ? 0 : 1 + random.nextInt(3);
        List<String> members = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            members.add(canvas(depth + 1));
        }
        return "[" + String.join(", ", members) + "]";
    }

    /** A task signature with plausible or hostile args, retry and immutable flag. */
    public String task() {
        String name = TASKS[random.nextInt(TASKS.length)];
        StringBuilder task = new StringBuilder("{\"task\": \"" + name + "\"");
        if (random.nextBoolean()) {
            task.append(", \"args\": ").append(switch (name) {
                case "core.sleep" -> "{\"ms\": " + pick("0", "5", "50", "-1", "600001", "\"x\"", "1e300", "null",
                        "100000000000000000000") + "}";
                case "core.fail" -> "{\"times\": " + pick("0", "1", "2", "1e300", "-5", "\"x\"") + ", \"retryable\": "
                        + pick("true", "false", "\"yes\"") + "}";
                default -> random.nextInt(5) == 0 ? pick("[]", "7", "\"x\"", "null") : "{\"" + word() + "\": " + scalar() + "}";
            });
        }
        if (random.nextInt(3) == 0) {
            task.append(", \"retry\": ").append(random.nextInt(4) == 0 ? pick("7", "[]", "null", "\"3\"")
                    : "{\"max\": " + pick("1", "2", "3", "0", "-1", "101", "1.5", "2147483648", "100000000000000000000", "\"3\"")
                    + ", \"backoff_ms\": " + pick("0", "10", "50", "-1", "86400001", "1e300", "100000000000000000000", "\"x\"")
                    + "}");
        }
        if (random.nextInt(6) == 0) {
            task.append(", \"immutable\": ").append(pick("true", "false", "\"true\"", "1"));
        }
        return task.append("}").toString();
    }

    private String input() {
        return switch (random.nextInt(6)) {
            case 0 -> "{\"xs\": [" + String.join(", ", java.util.Collections.nCopies(random.nextInt(20), "1")) + "]}";
            case 1 -> scalar();
            case 2 -> "{\"xs\": " + scalar() + "}";
            case 3 -> "{\"path\": " + pick(STRINGS) + ", \"image_path\": " + pick(STRINGS) + ", \"text\": " + pick(STRINGS) + "}";
            default -> "{\"xs\": [1, 2], \"" + word() + "\": " + scalar() + "}";
        };
    }

    public String scalar() {
        return random.nextBoolean() ? pick(NUMBERS) : pick(STRINGS);
    }

    private String word() {
        return pick("x", "ms", "times", "pages", "page", "languages", "max_sentences", "score_threshold", "path", "",
                "a\\u0000b", "task", "chain");
    }

    /** The text truncated, a character replaced, or a slice repeated. */
    public String mutate(String text) {
        if (text.isEmpty()) {
            return "{";
        }
        int at = random.nextInt(text.length());
        return switch (random.nextInt(3)) {
            case 0 -> text.substring(0, at);
            case 1 -> text.substring(0, at) + pick("{", "}", "[", "]", "\"", ":", ",", "\\", "\u0000", "\uFFFF", " ", "\\u")
                    + text.substring(Math.min(text.length(), at + 1));
            default -> {
                int end = Math.min(text.length(), at + 1 + random.nextInt(40));
                yield text.substring(0, end) + text.substring(at, end) + text.substring(end);
            }
        };
    }

    private String pick(String... options) {
        return options[random.nextInt(options.length)];
    }

    /** {@code depth} levels of {@code open}, the leaf, then the closing text: nesting far past any limit. */
    public static String nested(String open, String leaf, String close, int depth) {
        return open.repeat(depth) + leaf + close.repeat(depth);
    }
}

package ai.pipeline.orchestration.canvas;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON face of the canvas (the same model as {@link WorkflowBuilder}):
 * <pre>
 * {"task": "ocr.extract_text", "args": {…}, "immutable": false, "retry": {"max": 3, "backoff_ms": 500}}
 * {"chain": [ … ]}   {"group": [ … ]}   {"map": {"items": "pages", "task": {…}}}
 * {"chord": {"header": [ … ], "body": { … }, "policy": "fail_fast" | "all_settled", "timeout_s": 300}}
 * </pre>
 * The whole canvas may also have {@code "on_failure": { … }}, a canvas run once if it fails ({@link Canvas.OnFailure}).
 * Structural mistakes are reported with the path of the offending node ({@code $.chain[1].chord.body}).
 */
public final class CanvasJson {

    private static final Set<String> TASK_KEYS = Set.of("task", "args", "immutable", "retry", "time_limit_s", "soft_time_limit_s");
    private static final Set<String> KINDS = Set.of("task", "chain", "group", "chord", "map");
    static final String ON_FAILURE = "on_failure";

    private final JsonMapper json;

    public CanvasJson(JsonMapper json) {
        this.json = json;
    }

    public Canvas parse(String text) {
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (RuntimeException e) {
            throw new InvalidCanvasException("$", "not valid JSON");
        }
        return parse(node);
    }

    public Canvas parse(JsonNode node) {
        if (node != null && node.isObject() && node.has(ON_FAILURE)) {
            JsonNode handler = node.get(ON_FAILURE);
            if (handler == null || !handler.isObject()) {
                throw new InvalidCanvasException("$." + ON_FAILURE, "expected a canvas (an object with one of " + KINDS
                        + ") to run once if the canvas fails");
            }
            ObjectNode rest = ((ObjectNode) node).deepCopy();
            rest.remove(ON_FAILURE);
            return new Canvas.OnFailure(parse(rest, "$"), parse(handler, "$." + ON_FAILURE));
        }
        return parse(node, "$");
    }

    private Canvas parse(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new InvalidCanvasException(path, "expected an object with one of " + KINDS);
        }
        if (node.has(ON_FAILURE)) {
            throw CanvasValidator.misplacedOnFailure(path);
        }
        List<String> kinds = new ArrayList<>();
        node.propertyNames().forEach(name -> {
            if (KINDS.contains(name)) {
                kinds.add(name);
            }
        });
        if (kinds.size() != 1) {
            throw new InvalidCanvasException(path, "expected exactly one of " + KINDS + ", found " + kinds);
        }
        return switch (kinds.get(0)) {
            case "task" -> task(node, path);
            case "chain" -> new Canvas.Chain(list(node.get("chain"), path + ".chain"));
            case "group" -> new Canvas.Group(list(node.get("group"), path + ".group"));
            case "chord" -> chord(node.get("chord"), path + ".chord");
            default -> forEach(node.get("map"), path + ".map");
        };
    }

    private Canvas.Task task(JsonNode node, String path) {
        node.propertyNames().forEach(name -> {
            if (!TASK_KEYS.contains(name)) {
                throw new InvalidCanvasException(path, "unknown key '" + name + "' in a task signature");
            }
        });
        JsonNode name = node.get("task");
        if (!name.isString() || name.asString().isBlank()) {
            throw new InvalidCanvasException(path + ".task", "expected a task name");
        }
        JsonNode args = node.get("args");
        Map<String, Object> argMap = new LinkedHashMap<>();
        if (args != null && !args.isNull()) {
            if (!args.isObject()) {
                throw new InvalidCanvasException(path + ".args", "expected an object");
            }
            argMap = json.convertValue(args, LinkedHashMap.class);
        }
        JsonNode immutable = node.get("immutable");
        if (immutable != null && !immutable.isBoolean()) {
            throw new InvalidCanvasException(path + ".immutable", "expected true or false");
        }
        return new Canvas.Task(name.asString(), argMap, immutable != null && immutable.asBoolean(),
                retry(node.get("retry"), path + ".retry"), timeLimit(node, path));
    }

    /** {@code "soft_time_limit_s": 50, "time_limit_s": 60} (seconds, fractions allowed), either or both. */
    private Canvas.TimeLimit timeLimit(JsonNode node, String path) {
        Long soft = seconds(node.get("soft_time_limit_s"), path + ".soft_time_limit_s");
        Long hard = seconds(node.get("time_limit_s"), path + ".time_limit_s");
        if (soft == null && hard == null) {
            return null;
        }
        Canvas.TimeLimit limit = new Canvas.TimeLimit(soft, hard);
        if (limit.problem() != null) {
            throw new InvalidCanvasException(path, limit.problem());
        }
        return limit;
    }

    private static Long seconds(JsonNode value, String path) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw new InvalidCanvasException(path, "expected a number of seconds");
        }
        return Math.round(value.asDouble() * 1000);
    }

    private Canvas.Retry retry(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new InvalidCanvasException(path, "expected {\"max\": n, \"backoff_ms\": n}");
        }
        JsonNode max = node.get("max");
        JsonNode backoff = node.get("backoff_ms");
        if (max != null && (!max.isIntegralNumber() || !max.canConvertToInt() || max.asInt() < 1 || max.asInt() > 100)) {
            throw new InvalidCanvasException(path + ".max", "expected attempts between 1 and 100");
        }
        if (backoff != null && (!backoff.isIntegralNumber() || !backoff.canConvertToLong() || backoff.asLong() < 0
                || backoff.asLong() > 86_400_000L)) {
            throw new InvalidCanvasException(path + ".backoff_ms", "expected milliseconds between 0 and 86400000");
        }
        return new Canvas.Retry(max == null ? null : max.asInt(), backoff == null ? null : backoff.asLong());
    }

    private List<Canvas> list(JsonNode node, String path) {
        if (node == null || !node.isArray()) {
            throw new InvalidCanvasException(path, "expected a list");
        }
        if (node.isEmpty()) {
            throw new InvalidCanvasException(path, "must not be empty");
        }
        List<Canvas> items = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            items.add(parse(node.get(i), path + "[" + i + "]"));
        }
        return items;
    }

    private Canvas.Chord chord(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new InvalidCanvasException(path, "expected {\"header\": [...], \"body\": {...}}");
        }
        node.propertyNames().forEach(name -> {
            if (!Set.of("header", "body", "policy", "timeout_s").contains(name)) {
                throw new InvalidCanvasException(path, "unknown key '" + name + "' in a chord");
            }
        });
        List<Canvas> header = list(node.get("header"), path + ".header");
        if (node.get("body") == null) {
            throw new InvalidCanvasException(path + ".body", "a chord needs a body");
        }
        Canvas body = parse(node.get("body"), path + ".body");
        ChordPolicy policy = ChordPolicy.FAIL_FAST;
        JsonNode policyNode = node.get("policy");
        if (policyNode != null && !policyNode.isNull()) {
            policy = ChordPolicy.fromJson(policyNode.isString() ? policyNode.asString() : "").orElseThrow(() ->
                    new InvalidCanvasException(path + ".policy", "expected \"fail_fast\" or \"all_settled\", got " + policyNode));
        }
        Duration timeout = null;
        JsonNode timeoutNode = node.get("timeout_s");
        if (timeoutNode != null && !timeoutNode.isNull()) {
            if (!timeoutNode.isNumber() || timeoutNode.isBigInteger() || timeoutNode.asDouble() <= 0
                    || timeoutNode.asDouble() > 7 * 86_400) {
                throw new InvalidCanvasException(path + ".timeout_s", "expected seconds between 0 and 604800");
            }
            timeout = Duration.ofMillis((long) (timeoutNode.asDouble() * 1000));
        }
        return new Canvas.Chord(header, body, policy, timeout);
    }

    private Canvas.ForEach forEach(JsonNode node, String path) {
        if (node == null || !node.isObject() || node.get("task") == null || node.get("items") == null) {
            throw new InvalidCanvasException(path, "expected {\"items\": \"<key of a list in the input>\", \"task\": {...}}");
        }
        if (!node.get("items").isString() || node.get("items").asString().isBlank()) {
            throw new InvalidCanvasException(path + ".items", "expected the key of a list in the input");
        }
        Canvas task = parse(node.get("task"), path + ".task");
        if (!(task instanceof Canvas.Task signature)) {
            throw new InvalidCanvasException(path + ".task", "a map runs a single task signature");
        }
        return new Canvas.ForEach(signature, node.get("items").asString());
    }

    public JsonNode toJson(Canvas canvas) {
        if (canvas instanceof Canvas.OnFailure f) {
            ObjectNode node = (ObjectNode) toJson(f.canvas());
            node.set(ON_FAILURE, toJson(f.handler()));
            return node;
        }
        ObjectNode node = json.createObjectNode();
        if (canvas instanceof Canvas.Task t) {
            node.put("task", t.name());
            if (!t.args().isEmpty()) {
                node.set("args", json.valueToTree(t.args()));
            }
            if (t.immutable()) {
                node.put("immutable", true);
            }
            if (t.retry() != null) {
                ObjectNode retry = node.putObject("retry");
                if (t.retry().max() != null) {
                    retry.put("max", t.retry().max());
                }
                if (t.retry().backoffMs() != null) {
                    retry.put("backoff_ms", t.retry().backoffMs());
                }
            }
            if (t.timeLimit() != null && t.timeLimit().softMs() != null) {
                node.put("soft_time_limit_s", t.timeLimit().softMs() / 1000.0);
            }
            if (t.timeLimit() != null && t.timeLimit().hardMs() != null) {
                node.put("time_limit_s", t.timeLimit().hardMs() / 1000.0);
            }
        } else if (canvas instanceof Canvas.Chain c) {
            node.set("chain", array(c.steps()));
        } else if (canvas instanceof Canvas.Group g) {
            node.set("group", array(g.members()));
        } else if (canvas instanceof Canvas.Chord c) {
            ObjectNode chord = node.putObject("chord");
            chord.set("header", array(c.header()));
            chord.set("body", toJson(c.body()));
            chord.put("policy", c.policy().json());
            if (c.timeout() != null) {
                chord.put("timeout_s", c.timeout().toMillis() / 1000.0);
            }
        } else if (canvas instanceof Canvas.ForEach f) {
            ObjectNode map = node.putObject("map");
            map.put("items", f.items());
            map.set("task", toJson(f.task()));
        }
        return node;
    }

    public String write(Canvas canvas) {
        return json.writeValueAsString(toJson(canvas));
    }

    private ArrayNode array(List<Canvas> items) {
        ArrayNode array = json.createArrayNode();
        items.forEach(item -> array.add(toJson(item)));
        return array;
    }
}

package ai.pipeline.orchestration.engine;

import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.TaskFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Claim Check pattern over storage: a task result larger than {@code app.engine.claim-check-above}
 * is written to {@code results/claims/<chain_id>/<task_id>-<attempt>.json}, and what travels on Kafka,
 * sits in the records and the engine's memory and shows in the API is a small reference,
 * {@code {"claim_check": "<that path>", "bytes": <its size>}}. The worker of a later step reads the
 * value back before its task sees its input. So a result is bounded by storage
 * ({@code app.storage.max-file-size}), not by a Kafka record, and large results cost Kafka and the
 * database a reference each. A run's claim folder goes when the run is deleted.
 */
public final class ClaimChecks {

    /** Under {@code results/}, an output folder: run deletion and retention know it. */
    public static final String FOLDER = "results/claims";
    private static final String FIELD = "claim_check";
    private static final String BYTES = "bytes";

    private final Storage storage;
    private final JsonMapper json;
    private final long aboveBytes;

    public ClaimChecks(Storage storage, JsonMapper json, long aboveBytes) {
        this.storage = storage;
        this.json = json;
        this.aboveBytes = aboveBytes;
    }

    /**
     * The result as it travels: itself when at most {@code app.engine.claim-check-above} bytes of
     * JSON, else a reference to the file it was written to. Fails as {@code too_large} over the
     * storage's file limit, and as {@code unavailable} (retried) when the file cannot be written.
     */
    public JsonNode checkIn(String chainId, String taskId, int attempt, JsonNode result) {
        if (result == null || result.isNull() || result.isValueNode() && !result.isString()) {
            return result;
        }
        byte[] bytes = json.writeValueAsBytes(result);
        return bytes.length <= aboveBytes ? result : store(chainId, taskId, attempt, bytes, "result");
    }

    /**
     * Whether this JSON text (a report holding a result) could hold a result over the size; when not,
     * {@link #checkIn} need not serialise the result again to measure it. A character is at most 3 UTF-8 bytes.
     */
    public boolean mayBeOver(String jsonText) {
        return 3L * jsonText.length() > aboveBytes;
    }

    /** Whether this JSON text is surely over the size: it has more characters than the size has bytes. */
    public boolean isSurelyOver(String jsonText) {
        return jsonText.length() > aboveBytes;
    }

    /**
     * A task message's input, as JSON text, kept in storage whatever its size (a large input, or one
     * that makes a message Kafka would refuse): a reference to it.
     */
    public JsonNode storeInput(String chainId, String taskId, int attempt, String inputJson) {
        return store(chainId, taskId + "-input", attempt, inputJson.getBytes(StandardCharsets.UTF_8), "input");
    }

    /** {@code what} names the value in the over-limit message: "result" or "input". */
    private JsonNode store(String chainId, String taskId, int attempt, byte[] bytes, String what) {
        if (bytes.length > storage.maxFileBytes()) {
            throw TaskFailure.tooLarge("the " + what + " is " + bytes.length + " bytes of JSON; a task's " + what + " may be at most "
                    + storage.maxFileBytes() + " bytes (app.storage.max-file-size)");
        }
        String path = folderOf(chainId) + "/" + safe(taskId) + "-" + attempt + ".json";
        write(storage.root().resolve(path), bytes);
        ObjectNode reference = json.createObjectNode();
        reference.put(FIELD, path);
        reference.put(BYTES, bytes.length);
        return reference;
    }

    /**
     * The value with every reference of this run's in it (itself, or inside its arrays and objects)
     * replaced by what it refers to. A reference into another run's folder is left as it is: a
     * client's input cannot make a task read another run's results.
     */
    public JsonNode checkOut(String chainId, JsonNode value) {
        return readBack(folderOf(chainId) + "/", value);
    }

    private JsonNode readBack(String folder, JsonNode value) {
        if (value == null || !value.isContainer()) {
            return value;
        }
        if (isReference(value) && value.get(FIELD).asString().startsWith(folder)) {
            return read(value.get(FIELD).asString());
        }
        if (value.isArray()) {
            ArrayNode copy = null;
            for (int i = 0; i < value.size(); i++) {
                JsonNode element = value.get(i);
                JsonNode resolved = readBack(folder, element);
                if (resolved != element && copy == null) {
                    copy = ((ArrayNode) value).deepCopy();
                }
                if (copy != null) {
                    copy.set(i, resolved);
                }
            }
            return copy == null ? value : copy;
        }
        ObjectNode copy = null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = value.properties().iterator(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode resolved = readBack(folder, field.getValue());
            if (resolved != field.getValue()) {
                if (copy == null) {
                    copy = ((ObjectNode) value).deepCopy();
                }
                copy.set(field.getKey(), resolved);
            }
        }
        return copy == null ? value : copy;
    }

    /** The storage folder of a run's stored results, relative to the storage root. */
    public static String folderOf(String chainId) {
        return FOLDER + "/" + safe(chainId);
    }

    /** Whether some reference may be in this JSON text (cheap: a worker asks it of every task message). */
    public static boolean mayHoldReference(String jsonText) {
        return jsonText != null && jsonText.contains("\"" + FIELD + "\"");
    }

    static boolean isReference(JsonNode node) {
        return node.isObject() && node.size() == 2 && node.path(FIELD).isString()
                && node.path(FIELD).asString().startsWith(FOLDER + "/") && node.path(BYTES).isIntegralNumber();
    }

    private JsonNode read(String path) {
        Path file;
        try {
            file = storage.resolve(path);
        } catch (TaskFailure gone) {
            throw TaskFailure.notFound("the result this step takes was stored at " + path + ", which is gone ("
                    + gone.getMessage() + ")");
        }
        try {
            return json.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the stored result " + path, e);
        }
    }

    /** Written whole or not at all: a reader never sees half a result, and a retry's write replaces it. */
    private static void write(Path file, byte[] bytes) {
        try {
            Storage.writeWhole(file, bytes);
        } catch (IOException e) {
            throw TaskFailure.unavailable("cannot store the result in storage (" + e.getMessage() + ")");
        }
    }

    /** Ids become one path segment: letters, digits, '-', '_' and '.' (not leading) kept, the rest '_'. */
    private static String safe(String id) {
        String segment = id.replaceAll("[^A-Za-z0-9._-]", "_");
        return segment.startsWith(".") ? "_" + segment.substring(1) : segment;
    }
}

package ai.pipeline.orchestration.pipelines;

import ai.pipeline.shared.image.ImageFiles;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.TaskFailure;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks a named pipeline's input before anything is recorded, the same way for every door: the
 * input names exactly one of the files the pipeline accepts, the path is confined to storage
 * ({@link Storage#resolve}: 400 outside it, 404 missing) and the file's content is a format the
 * pipeline takes (415 otherwise). A run that could only fail at its first task is never started.
 */
@Component
public class PipelineInputs {

    private static final String OPTIONS_EXPECTED = "options must be a JSON object, e.g. {\"languages\": [\"eng\"], "
            + "\"pages\": \"1-2\"}";

    private final Storage storage;
    private final JsonMapper json;

    public PipelineInputs(Storage storage, JsonMapper json) {
        this.storage = storage;
        this.json = json;
    }

    /** A start request's input, checked; the path is returned relative to the storage root. Other keys pass unchanged. */
    public JsonNode check(PipelineDefinition pipeline, JsonNode input) {
        if (pipeline.inputs().isEmpty()) {
            return input;
        }
        if (input == null || !input.isObject()) {
            throw TaskFailure.invalidInput(pipeline.name() + " expects an input object with " + keys(pipeline, " or "));
        }
        List<InputKind> given = pipeline.inputs().stream()
                .filter(kind -> input.hasNonNull(kind.key())).toList();
        if (given.isEmpty()) {
            throw TaskFailure.invalidInput("missing " + keys(pipeline, " or ") + ": the path of "
                    + pipeline.inputs().get(0).accepts() + " in storage (upload one with POST /api/v1/files)");
        }
        if (given.size() > 1) {
            throw TaskFailure.invalidInput("give only one of " + keys(pipeline, ", "));
        }
        InputKind kind = given.get(0);
        JsonNode value = input.get(kind.key());
        if (!value.isString()) {
            throw TaskFailure.invalidInput(kind.key() + " must be a string: a path in storage");
        }
        Path file = storage.resolve(value.asString());
        require(pipeline, kind, ImageFiles.detect(file), value.asString());
        ObjectNode checked = ((ObjectNode) input).deepCopy();
        checked.put(kind.key(), storage.relativize(file));
        return checked;
    }

    /**
     * A start request's {@code options} as a map (none when absent or null); bad input unless a JSON
     * object. Which step takes which option is checked when the request is made ({@code CanvasOptions}).
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> options(JsonNode options) {
        if (options == null || options.isNull() || options.isMissingNode()) {
            return Map.of();
        }
        if (!options.isObject()) {
            throw TaskFailure.invalidInput(OPTIONS_EXPECTED + ", not " + options.getNodeType().name().toLowerCase());
        }
        return json.convertValue(options, LinkedHashMap.class);
    }

    /** Options given as a form field: the JSON text of an object, as in a JSON body; none when blank. */
    public Map<String, Object> options(String formField) {
        if (formField == null || formField.isBlank()) {
            return Map.of();
        }
        JsonNode options;
        try {
            options = json.readTree(formField);
        } catch (JacksonException e) {
            throw TaskFailure.invalidInput(OPTIONS_EXPECTED + "; the options field is not valid JSON");
        }
        return options(options);
    }

    /**
     * The input for a file already in storage (an upload, a dropped file): under the first key whose
     * kind accepts the file's format, with the name it was given.
     */
    public ObjectNode forFile(PipelineDefinition pipeline, Path file, String originalName) {
        InputKind kind = kindFor(pipeline, ImageFiles.detect(file), originalName);
        ObjectNode input = json.createObjectNode();
        input.put(kind.key(), storage.relativize(file));
        if (originalName != null && !originalName.isBlank()) {
            input.put("file_name", originalName);
        }
        return input;
    }

    /** The kind under which the pipeline takes a file of this format; 415 when it takes none. */
    public InputKind kindFor(PipelineDefinition pipeline, ImageFiles.Format format, String fileName) {
        return pipeline.inputs().stream().filter(kind -> kind.accepts(format)).findFirst()
                .orElseThrow(() -> unsupported(pipeline, pipeline.inputs().get(0), format, fileName));
    }

    private static void require(PipelineDefinition pipeline, InputKind kind, ImageFiles.Format format, String fileName) {
        if (!kind.accepts(format)) {
            throw unsupported(pipeline, kind, format, fileName);
        }
    }

    private static TaskFailure unsupported(PipelineDefinition pipeline, InputKind kind, ImageFiles.Format format,
                                           String fileName) {
        String what = format == ImageFiles.Format.UNKNOWN ? "of a format that is not recognised"
                : "a " + format.name() + (format == ImageFiles.Format.PDF ? "" : " image");
        return TaskFailure.unsupportedFormat(pipeline.name() + " takes " + kind.accepts() + "; " + fileName + " is " + what);
    }

    private static String keys(PipelineDefinition pipeline, String separator) {
        return pipeline.inputs().stream().map(kind -> "\"" + kind.key() + "\"").collect(Collectors.joining(separator));
    }
}

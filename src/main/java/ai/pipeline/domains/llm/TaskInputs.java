package ai.pipeline.domains.llm;

import ai.pipeline.shared.task.ArgumentValues;
import ai.pipeline.shared.task.TaskArgument;
import ai.pipeline.shared.task.TaskArguments;
import ai.pipeline.shared.task.TaskContext;
import ai.pipeline.shared.task.TaskFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The LLM tasks' arguments, declared, and read from a {@link TaskContext}, whose input may be the pipeline's
 * input, an OCR result ({@code {"text": …, "pages": […]}}) or, for {@code llm.describe} as a chord's
 * body, the list of the header's results ({@code [{"objects": […], …}, {"text": …, …}]}).
 */
final class TaskInputs {

    private static final TaskArgument TEXT = TaskArgument.string("text",
            "the text; else the input's text (e.g. an OCR result), or the input itself when it is a string").orFromInput();

    static final TaskArguments GENERATE = TaskArguments.of(TaskArgument.string("prompt",
            "a template whose {{field}} and {{a.b}} are filled from the previous result, e.g. \"List the dates in: "
                    + "{{text}}\"; else the input's prompt (taken as it is), or a string input").atLeast(1).orFromInput());

    static final TaskArguments TEXT_ONLY = TaskArguments.of(TEXT);

    static final TaskArguments DESCRIBE = TaskArguments.of(
            TaskArgument.list("objects", "detected objects [{\"label\", \"score\"}]; else found in the input "
                    + "(e.g. a chord's header results)").orFromInput(),
            TEXT);

    private TaskInputs() {
    }

    /** {@code llm.summarize}'s arguments: the text and the summary's bounds ({@code maxInputChars} as configured). */
    static TaskArguments summarize(int maxInputChars) {
        return TaskArguments.of(TEXT,
                TaskArgument.integer("max_sentences", "at most this many sentences (default: app.llm.summary.max-sentences)")
                        .between(1, LlmService.MAX_SUMMARY_SENTENCES),
                TaskArgument.integer("max_chars", "at most this many characters (default: app.llm.summary.max-chars)")
                        .between(1, maxInputChars));
    }

    /** {@code text} from args or the input map, or the input itself when it is a string. */
    static String text(TaskContext context, ArgumentValues args) {
        return Optional.ofNullable(args.string("text")).or(() -> inputString(context)).orElseThrow(() -> TaskFailure.invalidInput(
                "missing text: give args.text, or an input with a \"text\" field (e.g. an OCR result)"));
    }

    /**
     * The prompt of {@code llm.generate_text}: {@code args.prompt} is a {@link PromptTemplate} whose
     * {@code {{field}}} references are filled from the input (the previous task's result); a
     * {@code prompt} field of the input, or a string input, is data and is taken as it is.
     */
    static PromptTemplate prompt(TaskContext context, ArgumentValues args) {
        if (args.isGiven("prompt")) {
            return PromptTemplate.parse(args.string("prompt"));
        }
        return Optional.ofNullable(args.string("prompt")).or(() -> inputString(context)).map(PromptTemplate::literal)
                .orElseThrow(() -> TaskFailure.invalidInput("missing prompt: give args.prompt (it may refer to fields "
                        + "of the previous result, e.g. {{text}}), or an input with a \"prompt\" field, or a string input"));
    }

    /** A declared integer argument that is bounded to an int, or null. */
    static Integer optionalInt(ArgumentValues args, String name) {
        Long value = args.integer(name);
        return value == null ? null : Math.toIntExact(value);
    }

    /**
     * The objects and text to describe: from args or an input map holding {@code objects} and/or
     * {@code text}, or from a list of results (a chord's header) where one element has
     * {@code objects} and another {@code text}. Elements of the form {@code {"result": {…}}} are
     * looked into as well.
     */
    /** Mean word confidence (0-100) below which a page's OCR text counts as noise. */
    static final double MIN_OCR_CONFIDENCE = 60;

    static Scene scene(TaskContext context, ArgumentValues args) {
        List<Map<?, ?>> sources = new ArrayList<>();
        sources.add(args.given());
        collectMaps(context.input(), sources);
        Object objects = firstValue(sources, "objects");
        Object text = sources.stream().filter(source -> source.get("text") != null && legible(source))
                .map(source -> source.get("text")).findFirst().orElse(null);
        if (objects == null && text == null) {
            throw TaskFailure.invalidInput("nothing to describe: no \"objects\" (from object detection) and no "
                    + "\"text\" (from OCR) in the args or the input");
        }
        return scene(objects, text);
    }

    /** A scene from a JSON {@code objects} array of {@code {"label", "score"}} and a text. */
    static Scene scene(Object objects, Object text) {
        List<Scene.Detection> detections = new ArrayList<>();
        if (objects != null) {
            if (!(objects instanceof List<?> list)) {
                throw TaskFailure.invalidInput("objects must be an array of {\"label\", \"score\"}");
            }
            for (int i = 0; i < list.size(); i++) {
                detections.add(detection(i, list.get(i)));
            }
        }
        if (text != null && !(text instanceof String)) {
            throw TaskFailure.invalidInput("text must be a string");
        }
        return new Scene(detections, (String) text);
    }

    private static Scene.Detection detection(int index, Object item) {
        if (!(item instanceof Map<?, ?> object) || !(object.get("label") instanceof String label) || label.isBlank()) {
            throw TaskFailure.invalidInput("objects[" + index + "] needs a \"label\"");
        }
        Object score = object.get("score");
        if (score != null && !(score instanceof Number)) {
            throw TaskFailure.invalidInput("objects[" + index + "].score must be a number");
        }
        // a detection without a score is taken as certain: the caller vouches for it
        return new Scene.Detection(label, score == null ? 1.0 : ((Number) score).doubleValue());
    }

    private static void collectMaps(Object input, List<Map<?, ?>> into) {
        if (input instanceof Map<?, ?> map) {
            into.add(map);
            if (map.get("result") instanceof Map<?, ?> result) {
                into.add(result);
            }
        } else if (input instanceof List<?> list) {
            for (Object element : list) {
                if (element instanceof Map<?, ?> || element instanceof List<?>) {
                    collectMaps(element, into);
                }
            }
        }
    }

    /**
     * False for OCR output whose pages were all read with low confidence: Tesseract finds "text" in
     * the texture of a photo (a mean confidence near 30) that no description should quote.
     */
    private static boolean legible(Map<?, ?> source) {
        if (!(source.get("pages") instanceof List<?> pages) || pages.isEmpty()) {
            return true;
        }
        for (Object page : pages) {
            if (!(page instanceof Map<?, ?> p) || !(p.get("confidence") instanceof Number confidence)
                    || confidence.doubleValue() >= MIN_OCR_CONFIDENCE) {
                return true;
            }
        }
        return false;
    }

    private static Object firstValue(List<Map<?, ?>> sources, String key) {
        return sources.stream().map(source -> source.get(key)).filter(value -> value != null).findFirst().orElse(null);
    }

    private static Optional<String> inputString(TaskContext context) {
        return context.input() instanceof String s ? Optional.of(s) : Optional.empty();
    }
}

package ai.pipeline.domains.llm;

import ai.pipeline.shared.task.CancellationSignal;
import ai.pipeline.shared.task.TaskFailure;

/**
 * The one entry to the LLM domain for tasks and endpoints alike: checks what every engine relies
 * on (text present, within {@code app.llm.max-input-chars}, a sane budget) and hands over.
 */
class LlmService {

    static final int MAX_SUMMARY_SENTENCES = 100;

    private final LlmEngine engine;
    private final LlmProperties properties;

    LlmService(LlmEngine engine, LlmProperties properties) {
        this.engine = engine;
        this.properties = properties;
    }

    GeneratedText generate(String prompt, CancellationSignal cancellation) {
        return engine.generate(requireText("prompt", prompt), cancellation);
    }

    /**
     * {@code llm.generate_text}: the template rendered with the fields of {@code input} (the previous
     * task's result), checked like any prompt, then handed to the engine — which, offline, refuses.
     */
    GeneratedText generate(PromptTemplate template, Object input, CancellationSignal cancellation) {
        return generate(template.render(input, properties.maxInputChars()), cancellation);
    }

    Summary summarize(String text, Integer maxSentences, Integer maxChars, CancellationSignal cancellation) {
        SummaryBudget budget = new SummaryBudget(
                inRange("max_sentences", maxSentences, properties.summary().maxSentences(), MAX_SUMMARY_SENTENCES),
                inRange("max_chars", maxChars, properties.summary().maxChars(), properties.maxInputChars()));
        return engine.summarize(requireText("text", text), budget, cancellation);
    }

    ClauseAnalysis analyzeClauses(String text, CancellationSignal cancellation) {
        return engine.analyzeClauses(requireText("text", text), cancellation);
    }

    Description describe(Scene scene, CancellationSignal cancellation) {
        if (scene.text().length() > properties.maxInputChars()) {
            throw tooLong("text", scene.text().length());
        }
        return engine.describe(scene, cancellation);
    }

    private String requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw TaskFailure.invalidInput(name + " is missing or blank");
        }
        if (value.length() > properties.maxInputChars()) {
            throw tooLong(name, value.length());
        }
        return value;
    }

    private TaskFailure tooLong(String name, int length) {
        return TaskFailure.tooLarge(name + " has " + length + " characters; the limit is "
                + properties.maxInputChars() + " (app.llm.max-input-chars)");
    }

    private static int inRange(String name, Integer value, int defaultValue, int max) {
        if (value == null) {
            return defaultValue;
        }
        if (value < 1 || value > max) {
            throw TaskFailure.invalidInput(name + " must be between 1 and " + max + ", was " + value);
        }
        return value;
    }
}

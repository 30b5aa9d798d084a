package ai.pipeline.domains.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.shared.task.TaskFailure;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code llm.generate_text}'s prompt templates: fields of the previous result put into the prompt. */
class PromptTemplateTest {

    /** What {@code ocr.extract_text} hands the next task, trimmed. */
    static final Map<String, Object> OCR_RESULT = Map.of(
            "text", "Invoice 42 issued 3 March 2026, due 2 April 2026.",
            "languages", "eng",
            "pages", List.of(Map.of("page", 1, "text", "Invoice 42 issued 3 March 2026, due 2 April 2026.",
                    "confidence", 91.5)),
            "provenance", Map.of("engine", "tesseract", "version", "5.3.4"));

    private static String render(String template, Object input) {
        return PromptTemplate.parse(template).render(input, 1000);
    }

    private static void assertBadInput(Runnable render, String... message) {
        assertThatThrownBy(render::run).isInstanceOfSatisfying(TaskFailure.class, f -> {
            assertThat(f.reason()).isEqualTo(TaskFailure.Reason.INVALID_INPUT);
            assertThat(f.retryable()).isFalse();
            assertThat(f.getMessage()).contains(message);
        });
    }

    @Test
    void aFieldOfThePreviousResultIsPutIntoThePrompt() {
        assertThat(render("List the dates in: {{text}}", OCR_RESULT))
                .isEqualTo("List the dates in: Invoice 42 issued 3 March 2026, due 2 April 2026.");
        assertThat(render("{{ languages }}/{{languages}}!", OCR_RESULT)).isEqualTo("eng/eng!");
    }

    @Test
    void nestedFieldsAndListPositionsAreFollowed() {
        assertThat(render("Read by {{provenance.engine}} {{provenance.version}}: {{pages.0.text}}", OCR_RESULT))
                .isEqualTo("Read by tesseract 5.3.4: Invoice 42 issued 3 March 2026, due 2 April 2026.");
        // a chord's body gets the list of its header's results
        assertThat(render("{{1.text}}", List.of(Map.of("objects", List.of()), Map.of("text", "STOP"))))
                .isEqualTo("STOP");
    }

    @Test
    void valuesThatAreNotStringsAreWrittenAsJson() {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("count", 3);
        input.put("score", 0.5);
        input.put("ok", true);
        input.put("labels", List.of("dog", "car"));
        input.put("box", Map.of("x", 1));

        assertThat(render("{{count}} {{score}} {{ok}} {{labels}} {{box}} {{pages.0.page}}", input(input)))
                .isEqualTo("3 0.5 true [\"dog\",\"car\"] {\"x\":1} 1");
    }

    private static Map<String, Object> input(Map<String, Object> fields) {
        Map<String, Object> input = new LinkedHashMap<>(fields);
        input.put("pages", List.of(Map.of("page", 1)));
        return input;
    }

    @Test
    void aMissingFieldIsBadInputNamingIt() {
        assertBadInput(() -> render("Summarise {{summary}}", OCR_RESULT),
                "{{summary}} is missing", "the input has no field \"summary\"", "languages, pages, provenance, text");
        assertBadInput(() -> render("{{provenance.model}}", OCR_RESULT),
                "{{provenance.model}} is missing", "\"provenance\" has no field \"model\"");
        assertBadInput(() -> render("{{pages.3.text}}", OCR_RESULT),
                "{{pages.3.text}} is missing", "\"pages\" is a list of 1 elements");
        assertBadInput(() -> render("{{text.first}}", OCR_RESULT),
                "{{text.first}} is missing", "\"text\" is a string, not an object");
    }

    @Test
    void aNullFieldOrNoInputAtAllIsMissingToo() {
        Map<String, Object> input = new HashMap<>();
        input.put("summary", null);
        assertBadInput(() -> render("{{summary}}", input), "{{summary}} is missing", "\"summary\" is null");
        assertBadInput(() -> render("Dates in {{text}}", null), "{{text}} is missing", "the task has no input");
        assertBadInput(() -> render("Dates in {{text}}", "just a string"), "the input is a string");
    }

    @Test
    void aBraceThatOpensNoFieldReferenceIsBadInput() {
        assertBadInput(() -> PromptTemplate.parse("Dates in {{text"), "\"{{\" at character 9 is not closed");
        assertBadInput(() -> PromptTemplate.parse("{{ }}"), "is not a field reference");
        assertBadInput(() -> PromptTemplate.parse("{{text | upper}}"), "\"{{text | upper}}\" at character 0");
    }

    @Test
    void aTemplateWithoutReferencesIsTakenAsItIsAndSingleBracesAreText() {
        assertThat(render("Answer as {\"dates\": [\"…\"]} only.", null)).isEqualTo("Answer as {\"dates\": [\"…\"]} only.");
        assertThat(PromptTemplate.parse("{{text}} and {{a.b}}").fields()).containsExactly("text", "a.b");
        assertThat(PromptTemplate.literal("{{not a template}}").render(null, 100)).isEqualTo("{{not a template}}");
    }

    @Test
    void aValueThatTakesThePromptPastTheLimitIsTooLargeNamingTheFieldAndTheSetting() {
        Map<String, Object> input = Map.of("text", "x".repeat(95));

        assertThat(PromptTemplate.parse("Dates: {{text}}").render(input, 102)).hasSize(102);
        assertThatThrownBy(() -> PromptTemplate.parse("Dates: {{text}}!{{text}}").render(input, 150))
                .isInstanceOfSatisfying(TaskFailure.class, f -> {
                    assertThat(f.reason()).isEqualTo(TaskFailure.Reason.TOO_LARGE);
                    assertThat(f.getMessage()).contains("{{text}} (95 characters)", "the limit is 150",
                            "app.llm.max-input-chars");
                });
    }
}

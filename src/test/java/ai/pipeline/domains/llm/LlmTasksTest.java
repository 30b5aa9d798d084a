package ai.pipeline.domains.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.domains.llm.local.LocalEngine;
import ai.pipeline.shared.task.TaskDefinition;
import ai.pipeline.shared.task.TaskFailure;
import ai.pipeline.testsupport.TestTaskContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The four tasks as the engine runs them, on the offline engine, with the inputs pipelines give them. */
class LlmTasksTest {

    static final LlmProperties DEFAULTS = DefaultLlmProperties.get();
    static final LlmProperties PROPERTIES = new LlmProperties(LlmProperties.Provider.LOCAL, 2000, DEFAULTS.summary(),
            DEFAULTS.clauses(), DEFAULTS.describe(), DEFAULTS.local(), DEFAULTS.openai(), DEFAULTS.rateLimit());

    private final LlmConfiguration configuration = new LlmConfiguration();
    private final LlmService service = new LlmService(
            new LocalEngine(CuadTaxonomy.load(), PROPERTIES.clauses(), PROPERTIES.describe()), PROPERTIES);

    /** What a chord of object detection and OCR on testdata/images/dog.jpg hands its body. */
    static final List<Object> DOG_PHOTO_RESULTS = List.of(
            Map.of("objects", List.of(
                    Map.of("label", "dog", "score", 0.86, "box", List.of(131, 219, 310, 541)),
                    Map.of("label", "bicycle", "score", 0.80, "box", List.of(129, 126, 563, 427)),
                    Map.of("label", "car", "score", 0.80, "box", List.of(467, 75, 692, 172)),
                    Map.of("label", "truck", "score", 0.31, "box", List.of(467, 75, 692, 172))),
                    "width", 768, "height", 576),
            Map.of("text", "", "pages", List.of(Map.of("page", 1, "text", ""))));

    @Test
    void describeOnTheDogPhotoResultsMentionsTheDog() throws Exception {
        Description description = (Description) run(configuration.llmDescribe(service), TestTaskContext.withInput(DOG_PHOTO_RESULTS));

        assertThat(description.description()).isEqualTo("The image shows a dog, a bicycle and a car.");
        assertThat(description.provenance().engine()).isEqualTo("local-extractive");
    }

    @Test
    void describeQuotesLegibleTextAndAcceptsObjectsAndTextAsArgs() throws Exception {
        TestTaskContext context = new TestTaskContext(Map.of(
                "objects", List.of(Map.of("label", "person", "score", 0.9), Map.of("label", "person", "score", 0.7),
                        Map.of("label", "umbrella", "score", 0.6)),
                "text", "| ~ _\nWET PAINT\nDo not touch\n"), null);

        Description description = (Description) run(configuration.llmDescribe(service), context);

        assertThat(description.description())
                .isEqualTo("The image shows two people and an umbrella. It contains the text \"WET PAINT Do not touch\".");
    }

    @Test
    void describeWithoutAnythingToDescribeIsBadInput() {
        assertThatThrownBy(() -> run(configuration.llmDescribe(service), TestTaskContext.withInput(List.of(Map.of("width", 3)))))
                .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.reason()).isEqualTo(TaskFailure.Reason.INVALID_INPUT));
    }

    @Test
    void summarizeTakesTheTextOfAnOcrResultAndTheBudgetFromArgs() throws Exception {
        String text = "The first sentence talks about apples and orchards in spring. The second sentence is about "
                + "the harvest of apples in autumn. The third sentence describes the cider made from the apples.";
        TestTaskContext context = new TestTaskContext(Map.of("max_sentences", 1),
                Map.of("text", text, "pages", List.of(Map.of("page", 1, "text", text))));

        Summary summary = (Summary) run(configuration.llmSummarize(service, PROPERTIES), context);

        assertThat(summary.sentences()).hasSize(1);
        assertThat(text).contains(summary.summary());
    }

    @Test
    void textOverTheLimitIsTooLarge() {
        assertThatThrownBy(() -> run(configuration.llmAnalyzeClauses(service), TestTaskContext.withInput("x".repeat(2001))))
                .isInstanceOfSatisfying(TaskFailure.class, f -> {
                    assertThat(f.reason()).isEqualTo(TaskFailure.Reason.TOO_LARGE);
                    assertThat(f.getMessage()).contains("2001").contains("app.llm.max-input-chars");
                });
    }

    @Test
    void missingTextOrPromptIsBadInput() {
        assertThatThrownBy(() -> run(configuration.llmSummarize(service, PROPERTIES), TestTaskContext.withInput(Map.of("pages", List.of()))))
                .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.getMessage()).contains("missing text"));
        assertThatThrownBy(() -> run(configuration.llmGenerateText(service), TestTaskContext.withInput(null)))
                .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.getMessage()).contains("missing prompt"));
    }

    @Test
    void generateOnTheOfflineEngineIsANonRetryableConfigurationConflict() {
        assertThatThrownBy(() -> run(configuration.llmGenerateText(service), TestTaskContext.withInput("Write a haiku")))
                .isInstanceOfSatisfying(TaskFailure.class, f -> {
                    assertThat(f.reason()).isEqualTo(TaskFailure.Reason.CONFLICT);
                    assertThat(f.retryable()).isFalse();
                    assertThat(f.getMessage()).startsWith("no generative model configured")
                            .contains("app.llm.provider=openai");
                });
    }

    @Test
    void generateAfterOcrRendersTheTemplateThenTheOfflineEngineStillRefusesWithItsMessage() {
        TestTaskContext afterOcr = new TestTaskContext(Map.of("prompt", "List the dates in: {{text}}"),
                PromptTemplateTest.OCR_RESULT);

        assertThatThrownBy(() -> run(configuration.llmGenerateText(service), afterOcr))
                .isInstanceOfSatisfying(TaskFailure.class, f -> {
                    assertThat(f.reason()).isEqualTo(TaskFailure.Reason.CONFLICT);
                    assertThat(f.retryable()).isFalse();
                    assertThat(f.getMessage()).startsWith("no generative model configured");
                });
    }

    @Test
    void aTemplateNamingAFieldThePreviousResultLacksIsBadInputBeforeAnyEngineIsAsked() {
        TestTaskContext afterOcr = new TestTaskContext(Map.of("prompt", "Translate {{summary}}"),
                PromptTemplateTest.OCR_RESULT);

        assertThatThrownBy(() -> run(configuration.llmGenerateText(service), afterOcr))
                .isInstanceOfSatisfying(TaskFailure.class, f -> {
                    assertThat(f.reason()).isEqualTo(TaskFailure.Reason.INVALID_INPUT);
                    assertThat(f.retryable()).isFalse();
                    assertThat(f.getMessage()).contains("{{summary}} is missing");
                });
    }

    @Test
    void aRenderedPromptOverTheInputLimitIsTooLarge() {
        TestTaskContext context = new TestTaskContext(Map.of("prompt", "Dates in: {{text}}"),
                Map.of("text", "3 March 2026. ".repeat(150)));

        assertThatThrownBy(() -> run(configuration.llmGenerateText(service), context))
                .isInstanceOfSatisfying(TaskFailure.class, f -> {
                    assertThat(f.reason()).isEqualTo(TaskFailure.Reason.TOO_LARGE);
                    assertThat(f.getMessage()).contains("{{text}}", "app.llm.max-input-chars");
                });
    }

    @Test
    void aPromptThatComesAsInputIsDataNotATemplate() {
        // braces in a prompt the caller sent are not looked up: the offline engine refuses it as it refuses any prompt
        assertThatThrownBy(() -> run(configuration.llmGenerateText(service),
                TestTaskContext.withInput(Map.of("prompt", "Explain {{text}} in Mustache"))))
                .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.reason()).isEqualTo(TaskFailure.Reason.CONFLICT));
    }

    @Test
    void theOpenAiProviderRefusesToStartWithoutAModelName() {
        LlmProperties openAi = new LlmProperties(LlmProperties.Provider.OPENAI, 2000, DEFAULTS.summary(),
                DEFAULTS.clauses(), DEFAULTS.describe(), DEFAULTS.local(), DEFAULTS.openai(), DEFAULTS.rateLimit());

        assertThatThrownBy(() -> configuration.llmEngine(openAi))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("app.llm.openai.model");
    }

    private static Object run(TaskDefinition task, TestTaskContext context) throws Exception {
        return task.run(context);
    }

    @Test
    void describeLeavesOutOcrTextReadWithLowConfidence() throws Exception {
        List<Object> header = List.of(
                Map.of("objects", List.of(Map.of("label", "dog", "score", 0.86))),
                Map.of("text", "Fresh bread daily", "pages", List.of(Map.of("page", 1, "confidence", 27.0))));
        Description description = (Description) run(configuration.llmDescribe(service), TestTaskContext.withInput(header));
        assertThat(description.description()).isEqualTo("The image shows a dog.");
    }
}

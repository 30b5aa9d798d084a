package ai.pipeline.orchestration.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.shared.task.TaskFailure;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The seed pipelines' composing steps, on results shaped as the domain tasks give them. */
class PipelineTasksTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final PipelineTasks.Composer composer = new PipelineTasks.Composer(JSON);

    private static final String OCR = """
            {"text": "Page one.\\n\\nPage two.", "page_count": 2, "languages": ["eng"],
             "pages": [{"page": 1, "text": "Page one.", "confidence": 91.5, "source": "ocr", "words": [{"text": "Page"}]},
                       {"page": 2, "text": "Page two.", "confidence": 88.5, "source": "ocr", "words": []}],
             "provenance": {"engine": "tesseract", "version": "5.3.0"}}""";
    private static final String SUMMARY = """
            {"summary": "Page one.", "sentences": [{"text": "Page one.", "start": 0, "end": 9, "score": 0.9}],
             "provenance": {"engine": "local-extractive"}}""";
    private static final String CLAUSES = """
            {"clauses": [{"category": "Governing Law", "text": "…", "score": 0.7, "start": 0, "end": 9},
                         {"category": "Cap On Liability", "text": "…", "score": 0.6, "start": 10, "end": 19},
                         {"category": "Governing Law", "text": "…", "score": 0.6, "start": 20, "end": 29}],
             "provenance": {"engine": "local-extractive"}}""";
    private static final String DETECTION = """
            {"objects": [{"label": "dog", "score": 0.86, "box": [1, 2, 3, 4]}, {"label": "car", "score": 0.8, "box": [1, 2, 3, 4]},
                         {"label": "dog", "score": 0.5, "box": [1, 2, 3, 4]}],
             "width": 768, "height": 576, "thresholds": {"score": 0.3, "iou": 0.45}, "provenance": {"engine": "onnxruntime"}}""";
    private static final String NORMALIZED = """
            {"source": {"path": "uploads/a.jpg", "format": "jpeg", "sha256": "abc"}, "page_count": 1,
             "document_path": "uploads/a.jpg", "image_path": "normalized/a.png", "image": {"width": 768, "height": 576},
             "provenance": {"engine": "imageio"}}""";
    private static final String FEATURES = """
            {"path": "normalized/a.png", "width": 768, "height": 576, "histogram": {"red": [1]}, "sharpness": 12.5,
             "provenance": {"engine": "image-measurements"}}""";

    private static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    private static String echo(String carried) {
        return "{\"input\": " + carried + ", \"args\": {}}";
    }

    private static String settled(String result) {
        return "{\"status\": \"SUCCESS\", \"result\": " + result + "}";
    }

    @Test
    void documentAnalysisHoldsTextSummaryClausesPageCountAndEveryStepsProvenance() {
        JsonNode merged = composer.documentAnalysis(json("[" + echo(OCR) + ", " + SUMMARY + ", " + CLAUSES + "]"));

        assertThat(merged.path("text").asString()).isEqualTo("Page one.\n\nPage two.");
        assertThat(merged.path("page_count").asInt()).isEqualTo(2);
        assertThat(merged.path("summary").asString()).isEqualTo("Page one.");
        assertThat(merged.path("summary_sentences")).hasSize(1);
        assertThat(merged.path("clauses")).hasSize(3);
        assertThat(merged.path("clause_categories").toString()).isEqualTo("[\"Cap On Liability\",\"Governing Law\"]");
        assertThat(merged.path("pages").get(1).toString())
                .isEqualTo("{\"page\":2,\"source\":\"ocr\",\"confidence\":88.5,\"characters\":9}");
        assertThat(merged.path("provenance").path("ocr").path("engine").asString()).isEqualTo("tesseract");
        assertThat(merged.path("provenance").path("summary").path("engine").asString()).isEqualTo("local-extractive");
        assertThat(merged.path("provenance").path("clauses").isObject()).isTrue();
    }

    @Test
    void aMissingOrMisplacedResultFailsAsBadInputNamingTheStep() {
        assertThatThrownBy(() -> composer.documentAnalysis(json("[" + echo(OCR) + ", " + CLAUSES + ", " + SUMMARY + "]")))
                .isInstanceOfSatisfying(TaskFailure.class, e -> assertThat(e.reason()).isEqualTo(TaskFailure.Reason.INVALID_INPUT))
                .hasMessageContaining("llm.summarize");
        assertThatThrownBy(() -> composer.documentAnalysis(json("{\"text\": \"x\"}")))
                .hasMessageContaining("expected a list of 3 results");
        assertThatThrownBy(() -> composer.documentAnalysis(json("[" + SUMMARY + ", " + SUMMARY + ", " + CLAUSES + "]")))
                .hasMessageContaining("core.echo");
    }

    @Test
    void imageAnalysisKeepsTheObjectsTheTextAndTheDescription() {
        JsonNode merged = composer.imageAnalysis(json("[" + echo("[" + DETECTION + ", " + OCR + "]")
                + ", {\"description\": \"The image shows two dogs and a car.\", \"provenance\": {\"engine\": \"local\"}}]"));

        assertThat(merged.path("description").asString()).contains("dogs");
        assertThat(merged.path("objects")).hasSize(3);
        assertThat(merged.path("width").asInt()).isEqualTo(768);
        assertThat(merged.path("text").asString()).startsWith("Page one.");
        assertThat(merged.path("provenance").path("vision").path("engine").asString()).isEqualTo("onnxruntime");
        assertThat(merged.path("provenance").path("description").path("engine").asString()).isEqualTo("local");
    }

    @Test
    void stagesPassTheRecordAlongAndTheLastOneAssemblesIt() {
        JsonNode stage2 = composer.stage2(json("[" + echo(NORMALIZED) + ", " + OCR + ", " + FEATURES + "]"));
        assertThat(stage2.path("image_path").asString()).isEqualTo("normalized/a.png");
        assertThat(stage2.path("text").asString()).startsWith("Page one.");
        assertThat(stage2.path("ocr").path("mean_confidence").asDouble()).isEqualTo(90.0);
        assertThat(stage2.path("features").path("sharpness").asDouble()).isEqualTo(12.5);
        assertThat(stage2.path("features").has("provenance")).isFalse();
        assertThat(stage2.path("provenance").path("preprocessing").path("engine").asString()).isEqualTo("imageio");

        JsonNode stage3 = composer.stage3(json("[" + settled(echo(stage2.toString())) + ", " + settled(DETECTION) + ", "
                + settled(SUMMARY) + "]"));
        assertThat(stage3.path("detection").path("objects")).hasSize(3);
        assertThat(stage3.path("summary").path("summary").asString()).isEqualTo("Page one.");

        JsonNode result = composer.stage4(stage3, "chain-1");
        assertThat(result.path("chain_id").asString()).isEqualTo("chain-1");
        assertThat(result.path("object_counts").toString()).isEqualTo("{\"dog\":2,\"car\":1}");
        assertThat(result.path("image").path("path").asString()).isEqualTo("normalized/a.png");
        assertThat(result.path("summary").asString()).isEqualTo("Page one.");
        assertThat(result.path("provenance").path("vision").isObject()).isTrue();
        assertThat(result.path("provenance").path("summary").isObject()).isTrue();
    }

    @Test
    void withoutTextTheSummaryIsSkippedButAFailedSummaryOfRealTextFailsTheStage() {
        String noText = composer.stage2(json("[" + echo(NORMALIZED) + ", "
                + OCR.replace("Page one.\\n\\nPage two.", "  ") + ", " + FEATURES + "]")).toString();
        String failedSummary = "{\"status\": \"FAILURE\", \"error\": \"invalid_input: text is missing or blank\"}";

        JsonNode skipped = composer.stage3(json("[" + settled(echo(noText)) + ", " + settled(DETECTION) + ", "
                + failedSummary + "]"));
        assertThat(skipped.path("summary").isNull()).isTrue();
        assertThat(skipped.path("summary_skipped").asString()).contains("no text");
        assertThat(composer.stage4(skipped, "c").path("summary").isNull()).isTrue();

        String withText = composer.stage2(json("[" + echo(NORMALIZED) + ", " + OCR + ", " + FEATURES + "]")).toString();
        assertThatThrownBy(() -> composer.stage3(json("[" + settled(echo(withText)) + ", " + settled(DETECTION) + ", "
                + failedSummary + "]"))).hasMessageContaining("llm.summarize failed: invalid_input");
        assertThatThrownBy(() -> composer.stage3(json("[" + settled(echo(withText))
                + ", {\"status\": \"FAILURE\", \"error\": \"error: model crashed\"}, " + settled(SUMMARY) + "]")))
                .hasMessageContaining("vision.detect_objects failed: error: model crashed");
    }
}

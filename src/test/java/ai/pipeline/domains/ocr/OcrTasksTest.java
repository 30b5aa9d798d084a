package ai.pipeline.domains.ocr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.RetryPolicy;
import ai.pipeline.shared.task.TaskDefinition;
import ai.pipeline.shared.task.TaskFailure;
import ai.pipeline.testsupport.TestTaskContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tasks as the engine calls them: handlers with a plain {@link TaskContext}, results passed on
 * as JSON (as they would cross Kafka). A 3-page scanned PDF split, read page by page in shuffled
 * order and merged equals the pages in order.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OcrTasksTest {

    private static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

    @TempDir
    static Path root;

    static OcrService ocr;
    static Storage storage;
    static Map<String, TaskDefinition> tasks;

    @BeforeAll
    static void start() {
        ocr = new OcrService(TestOcrProperties.withThreads(2));
        storage = new Storage(root, 100L << 20);
        OcrTasks definitions = new OcrTasks();
        tasks = Map.of(
                "ocr.extract_text", definitions.ocrExtractText(ocr, storage),
                "ocr.split_pages", definitions.ocrSplitPages(ocr, storage),
                "ocr.extract_page", definitions.ocrExtractPage(ocr, storage),
                "ocr.merge_pages", definitions.ocrMergePages(ocr));
        TestDocuments.scannedPdf(root.resolve("three-pages.pdf"), TestDocuments.render(TestDocuments.ENGLISH_PAGES));
    }

    @AfterAll
    static void stop() {
        ocr.close();
    }

    @Test
    void splitReadPagesInAnyOrderAndMergeGiveThePagesInOrder() throws Exception {
        Map<String, Object> split = run("ocr.split_pages", Map.of(), Map.of("document_path", "three-pages.pdf"));
        assertThat(split).containsEntry("document", "three-pages.pdf").containsEntry("page_count", 3);
        List<Map<String, Object>> references = list(split.get("pages"));
        assertThat(references).containsExactly(
                Map.of("path", "three-pages.pdf", "page", 1),
                Map.of("path", "three-pages.pdf", "page", 2),
                Map.of("path", "three-pages.pdf", "page", 3));

        List<Object> pageResults = new ArrayList<>();
        for (Map<String, Object> reference : references) {
            pageResults.add(run("ocr.extract_page", Map.of(), reference));
        }
        assertThat(pageResults).allSatisfy(page -> assertThat(map(page))
                .containsKeys("page", "text", "confidence", "words", "provenance"));
        Collections.reverse(pageResults);

        OcrResult merged = JSON.convertValue(run("ocr.merge_pages", Map.of(), pageResults), OcrResult.class);
        OcrResult whole = JSON.convertValue(run("ocr.extract_text", Map.of("path", "three-pages.pdf"), null), OcrResult.class);

        assertThat(merged.pages()).extracting(PageResult::page).containsExactly(1, 2, 3);
        assertThat(merged.pages()).extracting(PageResult::text).containsExactlyElementsOf(
                whole.pages().stream().map(PageResult::text).toList());
        assertThat(merged.pages()).extracting(PageResult::words).containsExactlyElementsOf(
                whole.pages().stream().map(PageResult::words).toList());
        assertThat(merged.text()).isEqualTo(whole.text());
        assertThat(merged.pageCount()).isEqualTo(3);
        assertThat(merged.languages()).containsExactly("eng");
        assertThat(merged.provenance().engine()).isEqualTo("tesseract");
        assertThat(merged.provenance().version()).isEqualTo(whole.provenance().version());
        OcrServiceTest.assertPagesMatch(merged, TestDocuments.ENGLISH_PAGES);
    }

    @Test
    void pageRangeAndLanguagesComeFromArgs() throws Exception {
        Map<String, Object> split = run("ocr.split_pages", Map.of("pages", "2-"), Map.of("path", "three-pages.pdf"));
        assertThat(list(split.get("pages"))).extracting(p -> p.get("page")).containsExactly(2, 3);

        Map<String, Object> page = run("ocr.extract_page", Map.of("languages", List.of("eng", "kor")),
                Map.of("path", "three-pages.pdf", "page", 2));
        assertThat(page).containsEntry("page", 2);
        assertThat(map(page.get("provenance"))).containsEntry("model", "eng+kor");
    }

    @Test
    void badInputFailsWithoutRetry() {
        Map<String, Object> pageOne = Map.of("page", 1, "text", "one", "confidence", 90.0, "source", "ocr", "words", List.of());
        assertThat(tasks.values()).extracting(TaskDefinition::retry).containsOnly(RetryPolicy.DEFAULT);
        assertFails("ocr.extract_page", Map.of("path", "three-pages.pdf", "page", 4), "page 4 does not exist");
        assertFails("ocr.extract_page", Map.of("path", "three-pages.pdf"), "missing argument: page");
        assertFails("ocr.extract_text", Map.of("path", "../outside.pdf"), "outside the storage root");
        assertFails("ocr.extract_text", Map.of(), "missing argument: one of path, document_path, image_path");
        assertFails("ocr.merge_pages", Map.of(), "needs a non-empty list of page results");
        assertFails("ocr.merge_pages", List.of(Map.of("text", "no page number")), "item 1 is not a page result");
        assertFails("ocr.merge_pages", List.of(pageOne, pageOne), "page 1 appears more than once");
    }

    private void assertFails(String task, Object input, String message) {
        assertThatThrownBy(() -> tasks.get(task).run(new TestTaskContext(Map.of(), input)))
                .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.retryable()).isFalse())
                .hasMessageContaining(message);
    }

    /** Runs a task and returns its result as the JSON the next task would receive. */
    private static Map<String, Object> run(String task, Map<String, Object> args, Object input) throws Exception {
        Object result = tasks.get(task).run(new TestTaskContext(args, input));
        return JSON.readValue(JSON.writeValueAsString(result), new TypeReference<>() { });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
        return (List<Map<String, Object>>) value;
    }

}

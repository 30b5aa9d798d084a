package ai.pipeline.domains.ocr;

import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.RetryPolicy;
import ai.pipeline.shared.task.TaskContext;
import ai.pipeline.shared.task.TaskDefinition;
import ai.pipeline.shared.task.TaskFailure;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OCR tasks the engine can run. A long document can be read by one {@code ocr.extract_text},
 * or as {@code ocr.split_pages} → a group of {@code ocr.extract_page} (pages in parallel, on any
 * worker) → {@code ocr.merge_pages}, which gives the same result shape.
 *
 * <p>Retries: bad input is a {@link TaskFailure} and never retried; anything else (a crashed worker,
 * Tesseract unavailable) gets the default retries.
 */
@Configuration(proxyBeanMethods = false)
class OcrTasks {

    /** Where a task finds its input file: in its args or its input, first key present wins. */
    static final String[] PATH_KEYS = {"path", "document_path", "image_path"};

    /** Page results arrive as JSON maps (snake_case) when they crossed Kafka. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** Output of {@code ocr.split_pages}: page references, no pixels. */
    record Split(String document, int pageCount, List<PageReference> pages) {
    }

    record PageReference(String path, int page) {
    }

    @Bean
    TaskDefinition ocrExtractText(OcrService ocr, Storage storage) {
        return new TaskDefinition("ocr.extract_text",
                "Reads an image or PDF (path) into text with per-page words, boxes and confidences; "
                        + "optional args: languages (eng+kor), pages (1-3,5)",
                context -> ocr.extract(file(context, storage), languages(context), pages(context), context.cancellation()),
                RetryPolicy.DEFAULT);
    }

    @Bean
    TaskDefinition ocrSplitPages(OcrService ocr, Storage storage) {
        return new TaskDefinition("ocr.split_pages",
                "Lists the pages of an image or PDF (path) as page references {path, page} for ocr.extract_page; "
                        + "optional arg: pages (1-3,5)",
                context -> {
                    Path file = file(context, storage);
                    String document = storage.relativize(file);
                    List<PageReference> pages = ocr.selectPages(file, pages(context)).stream()
                            .map(page -> new PageReference(document, page)).toList();
                    return new Split(document, pages.size(), pages);
                },
                RetryPolicy.DEFAULT);
    }

    @Bean
    TaskDefinition ocrExtractPage(OcrService ocr, Storage storage) {
        return new TaskDefinition("ocr.extract_page",
                "Reads one page {path, page} (from args or input) into a page result; optional arg: languages",
                context -> ocr.extractPage(file(context, storage), pageNumber(context), languages(context)),
                RetryPolicy.DEFAULT);
    }

    @Bean
    TaskDefinition ocrMergePages(OcrService ocr) {
        return new TaskDefinition("ocr.merge_pages",
                "Assembles page results (a list, any order) into the ocr.extract_text result, pages in order",
                context -> ocr.merge(pageResults(context)),
                RetryPolicy.DEFAULT);
    }

    private static Path file(TaskContext context, Storage storage) {
        return storage.resolve(context.requireString(PATH_KEYS));
    }

    /** {@code "eng+kor"} or {@code ["eng", "kor"]}; null for the default. */
    private static String languages(TaskContext context) {
        return context.param("languages")
                .map(value -> value instanceof Collection<?> list
                        ? String.join("+", list.stream().map(String::valueOf).toList())
                        : String.valueOf(value))
                .orElse(null);
    }

    /** A page range; a list named {@code pages} in the input (a previous result's pages) is not one. */
    private static String pages(TaskContext context) {
        return context.param("pages")
                .filter(value -> !(value instanceof Collection<?>) && !(value instanceof Map<?, ?>))
                .map(String::valueOf)
                .orElse(null);
    }

    private static int pageNumber(TaskContext context) {
        Object page = context.param("page")
                .orElseThrow(() -> TaskFailure.invalidInput("missing parameter: page (1-based page number)"));
        try {
            return page instanceof Number number ? Math.toIntExact(number.longValue()) : Integer.parseInt(page.toString().strip());
        } catch (ArithmeticException | NumberFormatException e) {
            throw TaskFailure.invalidInput("page must be a page number, not '" + page + "'");
        }
    }

    /** The input list of page results, or a result's {@code pages} list. */
    private static List<PageResult> pageResults(TaskContext context) {
        Object items = context.input() instanceof List<?> list ? list : context.param("pages").orElse(null);
        if (!(items instanceof List<?> list) || list.isEmpty()) {
            throw TaskFailure.invalidInput("ocr.merge_pages needs a non-empty list of page results as its input");
        }
        List<PageResult> pages = new ArrayList<>();
        for (Object item : list) {
            PageResult page;
            try {
                page = item instanceof PageResult result ? result : JSON.convertValue(item, PageResult.class);
            } catch (JacksonException | IllegalArgumentException e) {
                throw TaskFailure.invalidInput("item " + (pages.size() + 1) + " is not a page result: " + e.getMessage());
            }
            if (page == null || page.page() < 1) {
                throw TaskFailure.invalidInput("item " + (pages.size() + 1) + " is not a page result: it has no page number");
            }
            pages.add(page);
        }
        return pages;
    }
}

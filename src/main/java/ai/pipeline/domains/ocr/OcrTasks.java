package ai.pipeline.domains.ocr;

import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.ArgumentValues;
import ai.pipeline.shared.task.TaskArgument;
import ai.pipeline.shared.task.TaskArguments;
import ai.pipeline.shared.task.TaskContext;
import ai.pipeline.shared.task.TaskDefinition;
import ai.pipeline.shared.task.TaskFailure;
import java.nio.file.Path;
import java.util.ArrayList;
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

    private static final TaskArgument PATH = TaskArgument.string("path", "the image or PDF, a path in storage")
            .orFromInput();
    private static final TaskArgument DOCUMENT_PATH = TaskArgument.string("document_path", "the same as path")
            .orFromInput();
    private static final TaskArgument IMAGE_PATH = TaskArgument.string("image_path", "the same as path")
            .orFromInput();
    /** Tesseract language codes; which are installed is checked when the task runs. */
    private static final TaskArgument LANGUAGES = TaskArgument.stringList("languages",
                    "Tesseract languages, e.g. [\"eng\", \"kor\"] or \"eng+kor\" (default: app.ocr.languages)")
            .between(1, 10).matching("[A-Za-z0-9_]{1,30}(\\+[A-Za-z0-9_]{1,30}){0,9}", "language codes like eng or eng+kor");
    private static final TaskArgument PAGES = TaskArgument.string("pages",
                    "which pages, like a print dialog: \"1-3,5\", \"4-\" (default: every page)")
            .between(1, 200).matching("\\s*\\d{1,9}\\s*(-\\s*(\\d{1,9})?\\s*)?(,\\s*\\d{1,9}\\s*(-\\s*(\\d{1,9})?\\s*)?)*",
                    "page numbers and ranges like 1-3,5");

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
        return TaskDefinition.of("ocr.extract_text",
                "Reads an image or PDF (path) into text with per-page words, boxes and confidences",
                TaskArguments.of(PATH, DOCUMENT_PATH, IMAGE_PATH, LANGUAGES, PAGES),
                (context, args) -> ocr.extract(file(args, storage), languages(args), args.string(PAGES.name()),
                        context.cancellation()));
    }

    @Bean
    TaskDefinition ocrSplitPages(OcrService ocr, Storage storage) {
        return TaskDefinition.of("ocr.split_pages",
                "Lists the pages of an image or PDF (path) as page references {path, page} for ocr.extract_page",
                TaskArguments.of(PATH, DOCUMENT_PATH, IMAGE_PATH, PAGES),
                (context, args) -> {
                    Path file = file(args, storage);
                    String document = storage.relativize(file);
                    List<PageReference> pages = ocr.selectPages(file, args.string(PAGES.name())).stream()
                            .map(page -> new PageReference(document, page)).toList();
                    return new Split(document, pages.size(), pages);
                });
    }

    @Bean
    TaskDefinition ocrExtractPage(OcrService ocr, Storage storage) {
        return TaskDefinition.of("ocr.extract_page",
                "Reads one page {path, page} (from args or input) into a page result",
                TaskArguments.of(PATH, DOCUMENT_PATH, IMAGE_PATH,
                        TaskArgument.integer("page", "the page number, from 1").atLeast(1).orFromInput(), LANGUAGES),
                (context, args) -> ocr.extractPage(file(args, storage), pageNumber(args), languages(args)));
    }

    @Bean
    TaskDefinition ocrMergePages(OcrService ocr) {
        return TaskDefinition.of("ocr.merge_pages",
                "Assembles page results (the input: a list, any order, or a result's pages) into the "
                        + "ocr.extract_text result, pages in order",
                TaskArguments.none(),
                (context, args) -> ocr.merge(pageResults(context)));
    }

    private static Path file(ArgumentValues args, Storage storage) {
        return storage.resolve(args.requireString(PATH_KEYS));
    }

    /** {@code ["eng", "kor"]} or {@code "eng+kor"} as Tesseract takes them ({@code eng+kor}); null for the default. */
    private static String languages(ArgumentValues args) {
        List<String> languages = args.stringList(LANGUAGES.name());
        return languages == null ? null : String.join("+", languages);
    }

    private static int pageNumber(ArgumentValues args) {
        Long page = args.integer("page");
        if (page == null) {
            throw TaskFailure.invalidInput("missing argument: page (1-based page number)");
        }
        if (page > Integer.MAX_VALUE) {
            throw TaskFailure.invalidInput("page " + page + " does not exist");
        }
        return page.intValue();
    }

    /** The input list of page results, or a result's {@code pages} list. */
    private static List<PageResult> pageResults(TaskContext context) {
        Object items = context.input() instanceof List<?> list ? list
                : context.input() instanceof Map<?, ?> result ? result.get("pages") : null;
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

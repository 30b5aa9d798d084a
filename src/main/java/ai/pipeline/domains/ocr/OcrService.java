package ai.pipeline.domains.ocr;

import ai.pipeline.shared.task.CancellationSignal;
import ai.pipeline.shared.task.Provenance;
import ai.pipeline.shared.task.TaskFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.pdfbox.util.Version;
import org.springframework.stereotype.Service;

/**
 * Turns a file into text, page by page: the OCR domain's one entry point. Knows nothing of
 * pipelines; callers pass a file they have already confined (see {@code Storage.resolve}).
 *
 * <p>Pages are read in order on the calling thread (PDFBox documents are not thread-safe) and
 * recognised in parallel, one pooled Tesseract instance per page; the next page is read only when an
 * instance is free for it, so at most {@code app.ocr.threads} + 1 page images of a request are in memory.
 */
@Service
class OcrService implements AutoCloseable {

    private static final Pattern LANGUAGE = Pattern.compile("[A-Za-z0-9_]+");

    private final OcrProperties properties;
    private final TesseractPool pool;
    private final ExecutorService workers;

    OcrService(OcrProperties properties) {
        this.properties = properties;
        this.pool = new TesseractPool(properties.tessdata(), properties.poolSize());
        AtomicInteger threads = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(pool.size(), task -> {
            Thread thread = new Thread(task, "ocr-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Reads the selected pages of a document. {@code languages}: {@code eng+kor} (or comma/space
     * separated), null for the default; {@code pages}: {@code 1-3,5}, null for all.
     */
    OcrResult extract(Path file, String languages, String pages, CancellationSignal cancellation) {
        long start = System.nanoTime();
        checkFileSize(file);
        List<String> languageList = languages(languages);
        try (SourceDocument document = SourceDocument.open(file, properties)) {
            List<Integer> selected = select(document, pages);
            List<PageResult> results = readAll(document, selected, String.join("+", languageList), cancellation);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("document_page_count", document.pageCount());
            details.put("threads", pool.size());
            if (results.stream().anyMatch(p -> PageResult.OCR.equals(p.source()))) {
                details.put("language_data", pool.languageData(languageList));
            }
            return OcrResult.of(results, details, millisSince(start));
        }
    }

    /** Reads one page (1-based) on the calling thread. */
    PageResult extractPage(Path file, int page, String languages) {
        checkFileSize(file);
        String languageKey = String.join("+", languages(languages));
        try (SourceDocument document = SourceDocument.open(file, properties)) {
            PageRange.requireExists(page, document.pageCount());
            return join(startPage(document, page, languageKey, Runnable::run));
        }
    }

    /** The pages a request selects (1-based), checked against the page limit. */
    List<Integer> selectPages(Path file, String pages) {
        checkFileSize(file);
        try (SourceDocument document = SourceDocument.open(file, properties)) {
            return select(document, pages);
        }
    }

    /** Page results read separately, in any order, assembled as one document. */
    OcrResult merge(List<PageResult> pages) {
        return OcrResult.merge(pages);
    }

    /** The languages a request asked for (or the default), each with installed language data. */
    List<String> languages(String requested) {
        String spec = requested == null || requested.isBlank() ? properties.languages() : requested;
        List<String> languages = Arrays.stream(spec.strip().split("[+,\\s]+")).distinct().toList();
        Set<String> installed = pool.installedLanguages();
        for (String language : languages) {
            if (!LANGUAGE.matcher(language).matches() || !installed.contains(language)) {
                throw TaskFailure.invalidInput("unknown OCR language '" + language + "'; installed: "
                        + String.join(", ", installed));
            }
        }
        return languages;
    }

    private List<Integer> select(SourceDocument document, String pages) {
        List<Integer> selected = PageRange.of(pages).select(document.pageCount());
        if (selected.size() > properties.maxPages()) {
            throw TaskFailure.tooLarge(selected.size() + " pages requested; the limit is " + properties.maxPages()
                    + " pages per request (select fewer with pages, e.g. \"1-" + properties.maxPages() + "\")");
        }
        return selected;
    }

    private void checkFileSize(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw TaskFailure.notFound("cannot read " + file.getFileName());
        }
        if (size > properties.maxFileSize().toBytes()) {
            throw TaskFailure.tooLarge("the file is " + size + " bytes; the limit is "
                    + properties.maxFileSize().toBytes() + " bytes");
        }
    }

    /**
     * Reads the pages in order and recognises them on the worker threads; checks for cancellation
     * between pages. After a failure or cancellation the pages already handed over still finish,
     * so every instance is back in the pool before this returns.
     */
    private List<PageResult> readAll(SourceDocument document, List<Integer> pages, String languages,
            CancellationSignal cancellation) {
        List<CompletableFuture<PageResult>> started = new ArrayList<>();
        try {
            for (int page : pages) {
                cancellation.throwIfCancelled();
                started.add(startPage(document, page, languages, workers));
            }
            return started.stream().map(OcrService::join).toList();
        } finally {
            started.forEach(future -> future.exceptionally(e -> null).join());
        }
    }

    private CompletableFuture<PageResult> startPage(SourceDocument document, int number, String languages,
            Executor executor) {
        long start = System.nanoTime();
        SourceDocument.Page page = document.page(number);
        if (page instanceof SourceDocument.TextLayer textLayer) {
            Provenance provenance = new Provenance("pdfbox", Version.getVersion(), null, Map.of(
                    "source", PageResult.TEXT_LAYER, "coordinates", document.coordinates()), millisSince(start));
            return CompletableFuture.completedFuture(new PageResult(number, textLayer.text(), 100.0,
                    PageResult.TEXT_LAYER, textLayer.words(), provenance));
        }
        SourceDocument.Scan scan = (SourceDocument.Scan) page;
        String coordinates = document.coordinates();
        TesseractPool.Lease lease = pool.borrow(languages);
        try {
            return CompletableFuture.supplyAsync(() -> {
                try (lease) {
                    return recognize(lease, number, scan, languages, coordinates);
                }
            }, executor);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    private PageResult recognize(TesseractPool.Lease lease, int number, SourceDocument.Scan scan, String languages,
            String coordinates) {
        long start = System.nanoTime();
        TesseractEngine.Recognition recognition = lease.recognize(scan.image(), scan.dpi());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("source", PageResult.OCR);
        details.put("coordinates", coordinates);
        if (scan.dpi() > 0) {
            details.put("dpi", scan.dpi()); // otherwise Tesseract estimates it from the text size
        }
        Provenance provenance = new Provenance("tesseract", pool.version(), languages, details, millisSince(start));
        return new PageResult(number, recognition.text(), recognition.confidence(), PageResult.OCR,
                recognition.words(), provenance);
    }

    private static PageResult join(CompletableFuture<PageResult> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Override
    public void close() {
        workers.shutdown();
        pool.close();
    }
}

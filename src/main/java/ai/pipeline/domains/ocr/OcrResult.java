package ai.pipeline.domains.ocr;

import ai.pipeline.shared.task.Provenance;
import ai.pipeline.shared.task.TaskFailure;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.pdfbox.util.Version;

/**
 * A document read: the full text (pages in order, a blank line between them), the pages,
 * how many pages were read, the OCR languages and the provenance. The same shape whether one
 * task read the whole document or page results read in parallel were merged.
 */
public record OcrResult(String text, List<PageResult> pages, int pageCount, List<String> languages,
        Provenance provenance) {

    /**
     * Assembles page results in page order. The languages are those Tesseract used on the OCR'd pages;
     * the provenance names Tesseract when any page was OCR'd (PDFBox when every page came from a
     * text layer) and lists which pages came from where.
     */
    static OcrResult of(List<PageResult> pages, Map<String, Object> details, long durationMs) {
        if (pages.isEmpty()) {
            throw TaskFailure.invalidInput("no pages to assemble");
        }
        List<PageResult> ordered = pages.stream().sorted(Comparator.comparingInt(PageResult::page)).toList();
        for (int i = 1; i < ordered.size(); i++) {
            if (ordered.get(i).page() == ordered.get(i - 1).page()) {
                throw TaskFailure.invalidInput("page " + ordered.get(i).page() + " appears more than once");
            }
        }
        Set<String> languages = new LinkedHashSet<>();
        ocrPages(ordered).map(p -> p.provenance().model()).filter(Objects::nonNull)
                .forEach(model -> languages.addAll(List.of(model.split("\\+"))));
        String text = ordered.stream().map(PageResult::text).collect(Collectors.joining("\n\n"));
        return new OcrResult(text, ordered, ordered.size(), List.copyOf(languages),
                provenance(ordered, List.copyOf(languages), details, durationMs));
    }

    /**
     * Page results read separately (any order) as one document; the duration is the pages' own
     * durations added up.
     */
    static OcrResult merge(List<PageResult> pages) {
        long duration = pages.stream().filter(p -> p.provenance() != null).mapToLong(p -> p.provenance().durationMs()).sum();
        return of(pages, Map.of("merged_pages", pages.size()), duration);
    }

    private static Stream<PageResult> ocrPages(List<PageResult> pages) {
        return pages.stream().filter(p -> PageResult.OCR.equals(p.source()) && p.provenance() != null);
    }

    private static Provenance provenance(List<PageResult> pages, List<String> languages, Map<String, Object> extra,
            long durationMs) {
        List<Integer> ocr = pages.stream().filter(p -> PageResult.OCR.equals(p.source())).map(PageResult::page).toList();
        List<Integer> textLayer = pages.stream().filter(p -> PageResult.TEXT_LAYER.equals(p.source()))
                .map(PageResult::page).toList();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("pages_ocr", ocr);
        details.put("pages_text_layer", textLayer);
        details.putAll(extra);
        if (ocr.isEmpty()) {
            return new Provenance("pdfbox", Version.getVersion(), null, details, durationMs);
        }
        String version = ocrPages(pages).map(p -> p.provenance().version()).findFirst().orElse(null);
        return new Provenance("tesseract", version, String.join("+", languages), details, durationMs);
    }
}

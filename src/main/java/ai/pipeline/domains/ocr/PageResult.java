package ai.pipeline.domains.ocr;

import ai.pipeline.shared.task.Provenance;
import java.util.List;

/**
 * One page read: its number (1-based), text, mean word confidence (0-100), where the text came from
 * ({@value #OCR} or {@value #TEXT_LAYER}, a PDF page's own text), the words with boxes, and the
 * page's provenance.
 */
public record PageResult(int page, String text, double confidence, String source, List<Word> words,
        Provenance provenance) {

    public static final String OCR = "ocr";
    public static final String TEXT_LAYER = "text_layer";

    public PageResult {
        text = text == null ? "" : text;
        words = words == null ? List.of() : List.copyOf(words);
    }
}

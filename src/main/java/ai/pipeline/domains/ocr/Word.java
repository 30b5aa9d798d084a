package ai.pipeline.domains.ocr;

import java.util.List;

/**
 * One recognised word: its text, confidence (0-100) and box {@code [x1, y1, x2, y2]} in pixels of
 * the page image (the upright image for a photo; for a PDF page, the page rendered at
 * {@code app.ocr.pdf-dpi}).
 */
public record Word(String text, double confidence, List<Integer> box) {

    public Word {
        box = List.copyOf(box);
    }

    /** Mean of the words' confidences, 0 for a page without words. */
    static double meanConfidence(List<Word> words) {
        return round(words.stream().mapToDouble(Word::confidence).average().orElse(0));
    }

    /** One decimal is all the precision a confidence has. */
    static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}

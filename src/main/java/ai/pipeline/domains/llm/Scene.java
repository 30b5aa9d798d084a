package ai.pipeline.domains.llm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code llm.describe} describes: the objects a detector found (label and score) and the text
 * OCR read, either of which may be empty.
 */
public record Scene(List<Detection> objects, String text) {

    public record Detection(String label, double score) {
    }

    /** How many objects of one label, and the best score among them. */
    public record LabelCount(String label, int count, double bestScore) {
    }

    public Scene {
        objects = objects == null ? List.of() : List.copyOf(objects);
        text = text == null ? "" : text;
    }

    /**
     * The labels of objects scoring at least {@code minScore}, counted, the most confident label
     * first (ties keep the detector's order).
     */
    public List<LabelCount> labelCounts(double minScore) {
        Map<String, LabelCount> counts = new LinkedHashMap<>();
        for (Detection object : objects) {
            if (object.score() < minScore || object.label() == null || object.label().isBlank()) {
                continue;
            }
            String label = object.label().trim();
            counts.merge(label, new LabelCount(label, 1, object.score()),
                    (a, b) -> new LabelCount(label, a.count() + 1, Math.max(a.bestScore(), b.bestScore())));
        }
        List<LabelCount> sorted = new ArrayList<>(counts.values());
        sorted.sort((a, b) -> Double.compare(b.bestScore(), a.bestScore()));
        return sorted;
    }
}

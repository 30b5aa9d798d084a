package ai.pipeline.domains.vision;

import ai.pipeline.domains.vision.ModelFamily.Candidate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Class-wise non-maximum suppression: of two boxes of the same class that overlap too much, the weaker goes. */
final class NonMaxSuppression {

    private NonMaxSuppression() {
    }

    /** The kept candidates, strongest first; a box is dropped when its IoU with a stronger kept box of its class exceeds {@code iouThreshold}. */
    static List<Candidate> classWise(List<Candidate> candidates, double iouThreshold) {
        List<Candidate> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble(Candidate::score).reversed());
        List<Candidate> kept = new ArrayList<>();
        for (Candidate candidate : sorted) {
            boolean suppressed = false;
            for (Candidate stronger : kept) {
                if (stronger.classId() == candidate.classId() && iou(stronger, candidate) > iouThreshold) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept.add(candidate);
            }
        }
        return kept;
    }

    static double iou(Candidate a, Candidate b) {
        double width = Math.min(a.x2(), b.x2()) - Math.max(a.x1(), b.x1());
        double height = Math.min(a.y2(), b.y2()) - Math.max(a.y1(), b.y1());
        if (width <= 0 || height <= 0) {
            return 0;
        }
        double intersection = width * height;
        return intersection / (a.area() + b.area() - intersection);
    }
}

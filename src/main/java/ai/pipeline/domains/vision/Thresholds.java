package ai.pipeline.domains.vision;

import ai.pipeline.shared.task.TaskFailure;

/**
 * The thresholds a detection used: {@code score}, the minimum score of a reported object, and
 * {@code iou}, the overlap above which the weaker of two boxes of the same class is dropped.
 */
public record Thresholds(double score, double iou) {

    public Thresholds {
        if (!(score >= 0 && score <= 1)) {
            throw TaskFailure.invalidInput("score_threshold must be between 0 and 1, got " + score);
        }
        if (!(iou >= 0 && iou <= 1)) {
            throw TaskFailure.invalidInput("iou_threshold must be between 0 and 1, got " + iou);
        }
    }

    /** Request values where given, the defaults elsewhere. */
    static Thresholds of(Double score, Double iou, Thresholds defaults) {
        return new Thresholds(score == null ? defaults.score() : score, iou == null ? defaults.iou() : iou);
    }
}

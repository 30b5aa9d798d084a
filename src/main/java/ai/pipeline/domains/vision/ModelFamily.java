package ai.pipeline.domains.vision;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * How one family of exported detection models wants its input and encodes its output. The rest of
 * the domain (model loading, NMS, labels, results) is the same for every family, so supporting
 * another export (say a YOLOv8-style one that is already decoded) means one new implementation and
 * one line in {@link #named}.
 */
interface ModelFamily {

    /** A dense float tensor: the model's input or output. */
    record Tensor(float[] data, long[] shape) {
    }

    /**
     * An image turned into the model's input, with the geometry to map boxes back: a point
     * {@code p} in the input is {@code (p - pad) / scale} in the image.
     */
    record PreparedImage(Tensor input, int imageWidth, int imageHeight, double scale, double padX, double padY) {

        double toImageX(double x) {
            return Math.max(0, Math.min((x - padX) / scale, imageWidth));
        }

        double toImageY(double y) {
            return Math.max(0, Math.min((y - padY) / scale, imageHeight));
        }
    }

    /** A box before non-maximum suppression, in image pixels. */
    record Candidate(int classId, double score, double x1, double y1, double x2, double y2) {

        double area() {
            return Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
        }
    }

    String name();

    /** The model input for an upright image, for a model whose input is {@code [1, 3, height, width]}. */
    PreparedImage prepare(BufferedImage image, int inputWidth, int inputHeight);

    /** Number of classes the model predicts, given its output shape; throws if the shape does not fit this family. */
    int classCount(long[] outputShape);

    /** Every box scoring at least {@code scoreThreshold}, in image pixels, before non-maximum suppression. */
    List<Candidate> decode(Tensor output, PreparedImage prepared, double scoreThreshold);

    static ModelFamily named(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "yolox" -> new YoloxFamily();
            default -> throw new IllegalArgumentException("unknown app.vision.family '" + name + "'; known: yolox");
        };
    }
}

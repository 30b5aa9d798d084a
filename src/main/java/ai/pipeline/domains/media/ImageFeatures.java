package ai.pipeline.domains.media;

import ai.pipeline.shared.task.Provenance;
import java.util.List;

/**
 * Result of {@code media.image_features}: what an image looks like, measured without a model.
 * Colour values are 0-255; {@code brightness}, {@code contrast}, {@code saturation} and shares are
 * 0-1; {@code colorfulness} is Hasler and Süsstrunk's metric (0 for grey, above 100 for vivid
 * photos); {@code sharpness} is the variance of the Laplacian of the luma; {@code edge_density} the
 * share of pixels whose Sobel gradient exceeds {@value ImageMeasurements#EDGE_THRESHOLD}.
 * Statistics are taken on the image scaled to {@code sampled_width} × {@code sampled_height}.
 */
public record ImageFeatures(String path, int width, int height, double aspectRatio, double megapixels,
        int sampledWidth, int sampledHeight, double[] meanRgb, double[] stdRgb, double brightness, double contrast,
        double saturation, double colorfulness, double sharpness, double edgeDensity, Histogram histogram,
        List<DominantColor> dominantColors, Provenance provenance) {

    /** Share of pixels in each of 8 equal bins per channel (each channel's shares add up to 1). */
    public record Histogram(double[] red, double[] green, double[] blue) {
    }

    /** A colour that covers {@code share} of the image (mean of the pixels in its 4×4×4 colour cube cell). */
    public record DominantColor(String hex, double share) {
    }
}

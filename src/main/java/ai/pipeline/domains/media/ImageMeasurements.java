package ai.pipeline.domains.media;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The arithmetic behind {@code media.image_features}, on pixels only: colour statistics, a histogram,
 * dominant colours, sharpness and edges. The image is first scaled down to at most
 * {@value #SAMPLE_SIDE} pixels on its longer side, which keeps the cost per image to a few
 * milliseconds and makes the sharpness of different-sized photos comparable.
 */
final class ImageMeasurements {

    static final int SAMPLE_SIDE = 512;
    static final int EDGE_THRESHOLD = 100;
    private static final int BINS = 8;
    private static final int CUBE = 4;
    private static final int DOMINANT_COLORS = 3;

    /** What the measurements found, before the caller adds the path and provenance. */
    record Measured(int sampledWidth, int sampledHeight, double[] meanRgb, double[] stdRgb, double brightness,
                    double contrast, double saturation, double colorfulness, double sharpness, double edgeDensity,
                    ImageFeatures.Histogram histogram, List<ImageFeatures.DominantColor> dominantColors) {
    }

    private ImageMeasurements() {
    }

    static Measured measure(BufferedImage image) {
        BufferedImage sample = sample(image);
        int w = sample.getWidth();
        int h = sample.getHeight();
        int n = w * h;
        double[] sum = new double[3];
        double[] sumSq = new double[3];
        double saturation = 0;
        double rgSum = 0;
        double rgSq = 0;
        double ybSum = 0;
        double ybSq = 0;
        long[][] bins = new long[3][BINS];
        long[] cubeCount = new long[CUBE * CUBE * CUBE];
        long[][] cubeSum = new long[CUBE * CUBE * CUBE][3];
        double[] luma = new double[n];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = sample.getRGB(x, y);
                int[] c = {(rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF};
                for (int k = 0; k < 3; k++) {
                    sum[k] += c[k];
                    sumSq[k] += (double) c[k] * c[k];
                    bins[k][c[k] * BINS / 256]++;
                }
                int max = Math.max(c[0], Math.max(c[1], c[2]));
                int min = Math.min(c[0], Math.min(c[1], c[2]));
                saturation += max == 0 ? 0 : (max - min) / (double) max;
                double rg = c[0] - c[1];
                double yb = 0.5 * (c[0] + c[1]) - c[2];
                rgSum += rg;
                rgSq += rg * rg;
                ybSum += yb;
                ybSq += yb * yb;
                int cube = (c[0] * CUBE / 256) * CUBE * CUBE + (c[1] * CUBE / 256) * CUBE + c[2] * CUBE / 256;
                cubeCount[cube]++;
                for (int k = 0; k < 3; k++) {
                    cubeSum[cube][k] += c[k];
                }
                luma[y * w + x] = 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
            }
        }
        double[] mean = new double[3];
        double[] std = new double[3];
        for (int k = 0; k < 3; k++) {
            mean[k] = sum[k] / n;
            std[k] = Math.sqrt(Math.max(0, sumSq[k] / n - mean[k] * mean[k]));
        }
        double lumaMean = 0;
        for (double v : luma) {
            lumaMean += v;
        }
        lumaMean /= n;
        double lumaVar = 0;
        for (double v : luma) {
            lumaVar += (v - lumaMean) * (v - lumaMean);
        }
        lumaVar /= n;
        double rgStd = Math.sqrt(Math.max(0, rgSq / n - Math.pow(rgSum / n, 2)));
        double ybStd = Math.sqrt(Math.max(0, ybSq / n - Math.pow(ybSum / n, 2)));
        double colorfulness = Math.hypot(rgStd, ybStd) + 0.3 * Math.hypot(rgSum / n, ybSum / n);
        return new Measured(w, h, round(mean), round(std), round(lumaMean / 255), round(Math.sqrt(lumaVar) / 255),
                round(saturation / n), round(colorfulness), round(laplacianVariance(luma, w, h)),
                round(edgeDensity(luma, w, h)),
                new ImageFeatures.Histogram(shares(bins[0], n), shares(bins[1], n), shares(bins[2], n)),
                dominantColors(cubeCount, cubeSum, n));
    }

    /** The image scaled (never enlarged) so that its longer side is at most {@link #SAMPLE_SIDE}, as RGB. */
    static BufferedImage sample(BufferedImage image) {
        double scale = Math.min(1.0, SAMPLE_SIDE / (double) Math.max(image.getWidth(), image.getHeight()));
        int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
        BufferedImage sample = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sample.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(image, 0, 0, w, h, null);
        g.dispose();
        return sample;
    }

    /** Variance of the 4-neighbour Laplacian: low for blurred or flat images, high for crisp detail. */
    private static double laplacianVariance(double[] luma, int w, int h) {
        if (w < 3 || h < 3) {
            return 0;
        }
        double sum = 0;
        double sumSq = 0;
        int count = 0;
        for (int y = 1; y < h - 1; y++) {
            for (int x = 1; x < w - 1; x++) {
                int i = y * w + x;
                double v = luma[i - 1] + luma[i + 1] + luma[i - w] + luma[i + w] - 4 * luma[i];
                sum += v;
                sumSq += v * v;
                count++;
            }
        }
        double mean = sum / count;
        return sumSq / count - mean * mean;
    }

    private static double edgeDensity(double[] luma, int w, int h) {
        if (w < 3 || h < 3) {
            return 0;
        }
        int edges = 0;
        int count = 0;
        for (int y = 1; y < h - 1; y++) {
            for (int x = 1; x < w - 1; x++) {
                int i = y * w + x;
                double gx = luma[i - w + 1] + 2 * luma[i + 1] + luma[i + w + 1] - luma[i - w - 1] - 2 * luma[i - 1] - luma[i + w - 1];
                double gy = luma[i + w - 1] + 2 * luma[i + w] + luma[i + w + 1] - luma[i - w - 1] - 2 * luma[i - w] - luma[i - w + 1];
                if (Math.hypot(gx, gy) > EDGE_THRESHOLD) {
                    edges++;
                }
                count++;
            }
        }
        return edges / (double) count;
    }

    private static List<ImageFeatures.DominantColor> dominantColors(long[] count, long[][] sum, int n) {
        List<Integer> cells = new ArrayList<>();
        for (int i = 0; i < count.length; i++) {
            if (count[i] > 0) {
                cells.add(i);
            }
        }
        cells.sort(Comparator.comparingLong((Integer i) -> count[i]).reversed());
        return cells.stream().limit(DOMINANT_COLORS).map(i -> new ImageFeatures.DominantColor(
                String.format(Locale.ROOT, "#%02x%02x%02x", sum[i][0] / count[i], sum[i][1] / count[i], sum[i][2] / count[i]),
                round(count[i] / (double) n))).toList();
    }

    private static double[] shares(long[] bins, int n) {
        double[] shares = new double[bins.length];
        for (int i = 0; i < bins.length; i++) {
            shares[i] = round(bins[i] / (double) n);
        }
        return shares;
    }

    private static double[] round(double[] values) {
        double[] rounded = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            rounded[i] = round(values[i]);
        }
        return rounded;
    }

    static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }
}

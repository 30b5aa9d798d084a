package ai.pipeline.domains.media;

import ai.pipeline.shared.image.ImageFiles;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.CancellationSignal;
import ai.pipeline.shared.task.Provenance;
import ai.pipeline.shared.task.TaskFailure;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.util.Version;
import org.springframework.stereotype.Service;

/**
 * Prepares files for the model domains: {@link #normalize} writes an upright RGB PNG of an image (or
 * of a PDF's first page) next to the facts about the source; {@link #features} measures an image.
 * Every input problem is a {@link TaskFailure}: empty or corrupt files, unsupported formats,
 * password-protected or empty PDFs, images over {@code app.media.max-pixels}.
 */
@Service
class MediaService {

    static final String NORMALIZED_DIR = "normalized";

    private final Storage storage;
    private final MediaProperties properties;

    MediaService(Storage storage, MediaProperties properties) {
        this.storage = storage;
        this.properties = properties;
    }

    NormalizedMedia normalize(Path file, CancellationSignal cancellation) {
        long started = System.nanoTime();
        ImageFiles.Format format = ImageFiles.detect(file);
        if (format == ImageFiles.Format.UNKNOWN) {
            throw TaskFailure.unsupportedFormat("not a supported image or PDF: unrecognised content");
        }
        NormalizedMedia.Source source = new NormalizedMedia.Source(storage.relativize(file), format.name().toLowerCase(Locale.ROOT),
                format.mediaType(), size(file), sha256(file));
        cancellation.throwIfCancelled();
        int pageCount;
        BufferedImage upright;
        NormalizedMedia.Image image;
        String engine;
        String version;
        if (format == ImageFiles.Format.PDF) {
            try (PDDocument pdf = openPdf(file)) {
                pageCount = pdf.getNumberOfPages();
                if (pageCount == 0) {
                    throw TaskFailure.invalidInput("the PDF has no pages");
                }
                upright = renderFirstPage(pdf);
            } catch (IOException e) {
                throw TaskFailure.invalidInput("the PDF could not be read: " + e.getMessage());
            }
            image = new NormalizedMedia.Image(upright.getWidth(), upright.getHeight(), 1, 1, properties.previewDpi());
            engine = "pdfbox";
            version = Version.getVersion();
        } else {
            pageCount = ImageFiles.pageCount(file);
            int orientation = ImageFiles.exifOrientation(file);
            upright = ImageFiles.applyOrientation(ImageFiles.read(file, 0, properties.maxPixels()), orientation);
            image = new NormalizedMedia.Image(upright.getWidth(), upright.getHeight(), orientation, null, null);
            engine = "imageio";
            version = Runtime.version().toString();
        }
        cancellation.throwIfCancelled();
        String imagePath = writePng(rgb(upright), file);
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        Provenance provenance = new Provenance(engine, version, null,
                Map.of("operation", "normalize", "output", "png, rgb, upright"), durationMs);
        return new NormalizedMedia(source, pageCount, source.path(), imagePath, image, provenance);
    }

    ImageFeatures features(Path file) {
        long started = System.nanoTime();
        int orientation = ImageFiles.exifOrientation(file);
        BufferedImage image = ImageFiles.applyOrientation(ImageFiles.read(file, 0, properties.maxPixels()), orientation);
        ImageMeasurements.Measured m = ImageMeasurements.measure(image);
        int w = image.getWidth();
        int h = image.getHeight();
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        Provenance provenance = new Provenance("image-measurements", "1", null,
                Map.of("sample_side", ImageMeasurements.SAMPLE_SIDE, "edge_threshold", ImageMeasurements.EDGE_THRESHOLD),
                durationMs);
        return new ImageFeatures(storage.relativize(file), w, h, ImageMeasurements.round(w / (double) h),
                ImageMeasurements.round(w * (double) h / 1_000_000), m.sampledWidth(), m.sampledHeight(), m.meanRgb(),
                m.stdRgb(), m.brightness(), m.contrast(), m.saturation(), m.colorfulness(), m.sharpness(), m.edgeDensity(),
                m.histogram(), m.dominantColors(), provenance);
    }

    private static PDDocument openPdf(Path file) throws IOException {
        try {
            return Loader.loadPDF(file.toFile());
        } catch (InvalidPasswordException e) {
            throw TaskFailure.invalidInput("the PDF is password-protected");
        }
    }

    private BufferedImage renderFirstPage(PDDocument pdf) throws IOException {
        PDRectangle box = pdf.getPage(0).getCropBox();
        double scale = properties.previewDpi() / 72.0;
        ImageFiles.checkPixels(Math.round(box.getWidth() * scale), Math.round(box.getHeight() * scale), properties.maxPixels());
        return new PDFRenderer(pdf).renderImageWithDPI(0, properties.previewDpi(), ImageType.RGB);
    }

    /** The image as 8-bit RGB: no alpha, no palette, no grey, which every image task reads the same way. */
    private static BufferedImage rgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB) {
            return image;
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        g.drawImage(image, 0, 0, Color.WHITE, null);
        g.dispose();
        return rgb;
    }

    /** Writes {@code normalized/<date>/<uuid>-<name>.png} (complete or not at all) and returns its storage path. */
    private String writePng(BufferedImage image, Path source) {
        String stem = source.getFileName().toString().replaceAll("\\.[A-Za-z0-9]{1,5}$", "").replaceAll("[^A-Za-z0-9._-]", "_");
        Path dir = storage.root().resolve(NORMALIZED_DIR).resolve(LocalDate.now().toString());
        Path target = dir.resolve(UUID.randomUUID() + "-" + (stem.length() > 80 ? stem.substring(stem.length() - 80) : stem) + ".png");
        Path partial = dir.resolve("." + target.getFileName() + ".part");
        try {
            Files.createDirectories(dir);
            if (!ImageIO.write(image, "png", partial.toFile())) {
                throw new IllegalStateException("no PNG writer");
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            return storage.relativize(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

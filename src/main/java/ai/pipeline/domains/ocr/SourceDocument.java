package ai.pipeline.domains.ocr;

import ai.pipeline.shared.image.ImageFiles;
import ai.pipeline.shared.task.TaskFailure;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

/**
 * The pages of an input file, read one at a time and within the limits: an image file (a TIFF has
 * several pages, any other image one) or a PDF. Not thread-safe: one thread reads the pages, the
 * Tesseract pool recognises them in parallel.
 */
interface SourceDocument extends AutoCloseable {

    /** A page to recognise, or a PDF page whose own text layer is its text. */
    sealed interface Page permits Scan, TextLayer {
    }

    /**
     * A page image. {@code dpi} is its resolution when we made it (a rendered PDF page), 0 when unknown.
     */
    record Scan(BufferedImage image, int dpi) implements Page {
    }

    /** Text read from a PDF page's text layer, with word boxes in pixels at the render resolution. */
    record TextLayer(String text, List<Word> words) implements Page {
    }

    int pageCount();

    /** Page {@code number}, 1-based. */
    Page page(int number);

    /** What the word boxes of scanned pages are measured in, for provenance. */
    String coordinates();

    @Override
    void close();

    /** Opens {@code file} by what its first bytes say it is. */
    static SourceDocument open(Path file, OcrProperties limits) {
        ImageFiles.Format format = ImageFiles.detect(file);
        if (format == ImageFiles.Format.PDF) {
            return PdfDocument.open(file, limits);
        }
        if (format.isImage()) {
            return new ImageDocument(file, format, limits.maxPixels());
        }
        throw TaskFailure.unsupportedFormat("unsupported format: the file is not a PNG, JPEG, TIFF, BMP, GIF or PDF");
    }
}

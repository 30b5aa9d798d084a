package ai.pipeline.domains.ocr;

import ai.pipeline.shared.image.ImageFiles;
import java.nio.file.Path;

/** An image file: every page of a TIFF, the single image of any other format (a GIF's first frame). */
final class ImageDocument implements SourceDocument {

    private final Path file;
    private final long maxPixels;
    private final int pageCount;

    ImageDocument(Path file, ImageFiles.Format format, long maxPixels) {
        this.file = file;
        this.maxPixels = maxPixels;
        this.pageCount = format == ImageFiles.Format.TIFF ? ImageFiles.pageCount(file) : 1;
    }

    @Override
    public int pageCount() {
        return pageCount;
    }

    @Override
    public Page page(int number) {
        // upright as the camera meant it (EXIF), so boxes match what a viewer shows
        return new Scan(ImageFiles.applyOrientation(ImageFiles.read(file, number - 1, maxPixels),
                ImageFiles.exifOrientation(file)), 0);
    }

    @Override
    public String coordinates() {
        return "image pixels (after EXIF orientation)";
    }

    @Override
    public void close() {
        // nothing held open: each page is read with its own reader
    }
}

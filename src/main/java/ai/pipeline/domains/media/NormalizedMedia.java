package ai.pipeline.domains.media;

import ai.pipeline.shared.task.Provenance;

/**
 * Result of {@code media.normalize}. {@code document_path} is the source itself (what OCR reads,
 * every page); {@code image_path} is the upright RGB PNG written into storage (for a PDF: its first
 * page rendered at the preview resolution), what image tasks read.
 */
public record NormalizedMedia(Source source, int pageCount, String documentPath, String imagePath, Image image,
        Provenance provenance) {

    /** The file as given: its path in storage, format by content, size and SHA-256. */
    public record Source(String path, String format, String mediaType, long bytes, String sha256) {
    }

    /**
     * The normalised image: its size, the EXIF orientation that was applied (1 = none), and for a PDF
     * the page and resolution it was rendered from.
     */
    public record Image(int width, int height, int exifOrientation, Integer renderedPage, Integer renderedDpi) {
    }
}

/**
 * Media domain: preparing an uploaded image or PDF for the model domains, without any model.
 * {@code media.normalize} recognises the format by content, hashes the file, counts pages and writes
 * an upright RGB PNG of the image (or of a PDF's first page) into storage; {@code
 * media.image_features} measures that image (size, colour statistics and histogram, dominant colours,
 * sharpness, edge density). The AI pipeline's first two stages use them.
 *
 * <p>Depends only on {@code ai.pipeline.shared} (and ImageIO, PDFBox).
 */
package ai.pipeline.domains.media;

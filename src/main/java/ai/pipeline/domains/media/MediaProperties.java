package ai.pipeline.domains.media;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code app.media.*}: limits and resolution of the media preparation tasks.
 *
 * @param maxPixels  most pixels of an image (or of a PDF page rendered for its preview), checked before decoding
 * @param previewDpi resolution at which a PDF's first page is rendered as the document's image
 */
@ConfigurationProperties("app.media")
record MediaProperties(
        @DefaultValue("40000000") long maxPixels,
        @DefaultValue("100") int previewDpi) {

    MediaProperties {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("app.media.max-pixels must be positive");
        }
        if (previewDpi < 18 || previewDpi > 600) {
            throw new IllegalArgumentException("app.media.preview-dpi must be between 18 and 600");
        }
    }
}

package ai.pipeline.orchestration.pipelines;

import ai.pipeline.shared.image.ImageFiles;

/**
 * The kinds of input file a pipeline takes, each under its own key in the pipeline's input
 * ({@code {"document_path": "uploads/…/contract.pdf"}}); the format is recognised by content.
 */
public enum InputKind {
    DOCUMENT("document_path", "a PDF or an image (PNG, JPEG, GIF, BMP, TIFF)"),
    IMAGE("image_path", "an image (PNG, JPEG, GIF, BMP, TIFF)");

    private final String key;
    private final String accepts;

    InputKind(String key, String accepts) {
        this.key = key;
        this.accepts = accepts;
    }

    /** The input's key: {@code document_path} or {@code image_path}. */
    public String key() {
        return key;
    }

    /** What files it accepts, in words. */
    public String accepts() {
        return accepts;
    }

    public boolean accepts(ImageFiles.Format format) {
        return format.isImage() || (this == DOCUMENT && format == ImageFiles.Format.PDF);
    }
}

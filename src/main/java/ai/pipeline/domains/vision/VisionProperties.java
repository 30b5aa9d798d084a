package ai.pipeline.domains.vision;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code app.vision.*}: which detection model to run and how.
 *
 * @param model a local file path or an http(s) URL; a URL is downloaded once into
 *     {@code <app.data-dir>/models/}
 * @param modelSha256 the expected sha256 of a downloaded model (empty: not checked); local files
 *     are the operator's choice and are not checked
 * @param family how the model encodes its input and output ({@code yolox})
 * @param labels the class names, one a line: {@code classpath:...} or a file path
 * @param threads predictors that may run at once; 0 means one per available processor
 * @param maxPixels largest image (width × height) accepted, checked before decoding
 * @param scoreThreshold default minimum score of a reported object
 * @param iouThreshold default overlap (IoU) above which non-maximum suppression drops the weaker
 *     box of the same class
 */
@ConfigurationProperties("app.vision")
record VisionProperties(
        @DefaultValue(DEFAULT_MODEL) String model,
        @DefaultValue(DEFAULT_MODEL_SHA256) String modelSha256,
        @DefaultValue("yolox") String family,
        @DefaultValue("classpath:vision/coco80.txt") String labels,
        @DefaultValue("0") int threads,
        @DefaultValue("40000000") long maxPixels,
        @DefaultValue("0.3") double scoreThreshold,
        @DefaultValue("0.45") double iouThreshold) {

    /** The YOLOX project's official release asset. */
    static final String DEFAULT_MODEL =
            "https://github.com/Megvii-BaseDetection/YOLOX/releases/download/0.1.1rc0/yolox_nano.onnx";
    static final String DEFAULT_MODEL_SHA256 = "4903c9058f6e2553834e9905be1ae5d67e262cb6321964dbc57a49edc6fa10da";

    VisionProperties {
        if (threads < 0) {
            throw new IllegalArgumentException("app.vision.threads must be 0 (one per processor) or more");
        }
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("app.vision.max-pixels must be positive");
        }
        if (!(scoreThreshold >= 0 && scoreThreshold <= 1) || !(iouThreshold >= 0 && iouThreshold <= 1)) {
            throw new IllegalArgumentException("app.vision.score-threshold and app.vision.iou-threshold must be between 0 and 1");
        }
    }

    /** The properties with every default, pointing at {@code model}. */
    static VisionProperties forModel(String model) {
        return new VisionProperties(model, DEFAULT_MODEL_SHA256, "yolox", "classpath:vision/coco80.txt", 0,
                40_000_000L, 0.3, 0.45);
    }

    int predictorCount() {
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }

    Thresholds defaultThresholds() {
        return new Thresholds(scoreThreshold, iouThreshold);
    }
}

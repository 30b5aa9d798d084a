/**
 * Vision domain: object detection on photos with an ONNX detection model (YOLOX-Nano, COCO-80 by
 * default) run through DJL's ONNX Runtime engine. Offers the tasks {@code vision.detect_objects} and
 * {@code vision.annotate} and the synchronous endpoints under {@code /api/v1/vision}.
 *
 * <p>How it fits together: {@code ObjectDetector} owns the model, which
 * {@code LoadedModel} loads in the background ({@code ModelFile} finds or downloads the file) so the
 * application starts without it; a {@code ModelFamily} ({@code YoloxFamily}) says how one family of
 * exports wants its input and encodes its output; {@code NonMaxSuppression} and {@code Annotator}
 * are family-independent.
 *
 * <p>Depends only on {@code ai.pipeline.shared}.
 */
package ai.pipeline.domains.vision;

/**
 * The AI capabilities, one package each: {@code ocr} (tess4j on Tesseract), {@code llm}
 * (langchain4j, or the offline engine), {@code vision} (DJL on ONNX Runtime). A domain does one
 * thing, depends only on {@code ai.pipeline.shared}, knows nothing of pipelines or of the other
 * domains, and offers its work to the engine as {@link ai.pipeline.shared.task.TaskDefinition}
 * beans. {@code ArchitectureTest} checks these rules.
 */
package ai.pipeline.domains;

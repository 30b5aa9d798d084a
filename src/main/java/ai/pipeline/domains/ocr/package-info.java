/**
 * OCR: turns a document (PNG, JPEG, TIFF, BMP, GIF or PDF) into text, page by page, with word boxes
 * and confidences. Tesseract 5 through tess4j does the recognition; a PDF page that carries a usable
 * text layer is read with PDFBox instead of being OCR'd.
 *
 * <ul>
 *   <li>{@link ai.pipeline.domains.ocr.OcrService}: the domain bean (file in, {@link ai.pipeline.domains.ocr.OcrResult} out).</li>
 *   <li>{@code TesseractPool}: native Tesseract instances, never shared between threads.</li>
 *   <li>{@code SourceDocument}: pages of an image file or a PDF, within the configured limits.</li>
 *   <li>{@code OcrTasks}: the tasks offered to the engine ({@code ocr.extract_text}, {@code ocr.split_pages},
 *       {@code ocr.extract_page}, {@code ocr.merge_pages}); {@code OcrController}: {@code POST /api/v1/ocr/extract}.</li>
 * </ul>
 *
 * Depends only on {@code ai.pipeline.shared}; knows nothing of pipelines or of the other domains.
 */
package ai.pipeline.domains.ocr;

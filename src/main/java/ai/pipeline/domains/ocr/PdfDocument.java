package ai.pipeline.domains.ocr;

import ai.pipeline.shared.image.ImageFiles;
import ai.pipeline.shared.task.TaskFailure;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.pdfbox.text.TextPosition;

/**
 * A PDF read with PDFBox: a page whose text layer has real text is taken as it is; any other page
 * (a scan) is rendered in grey at {@code app.ocr.pdf-dpi} for OCR, after checking that the render
 * stays within the pixel limit.
 */
final class PdfDocument implements SourceDocument {

    private final PDDocument document;
    private final PDFRenderer renderer;
    private final OcrProperties limits;

    private PdfDocument(PDDocument document, OcrProperties limits) {
        this.document = document;
        this.renderer = new PDFRenderer(document);
        this.limits = limits;
    }

    static PdfDocument open(Path file, OcrProperties limits) {
        PDDocument document;
        try {
            document = Loader.loadPDF(file.toFile());
        } catch (InvalidPasswordException e) {
            throw TaskFailure.invalidInput("the PDF is encrypted with a password; send it without the password");
        } catch (IOException | RuntimeException e) {
            throw TaskFailure.invalidInput("the PDF is corrupt or truncated: " + e.getMessage());
        }
        if (document.getNumberOfPages() == 0) {
            closeQuietly(document);
            throw TaskFailure.invalidInput("the PDF has no pages");
        }
        return new PdfDocument(document, limits);
    }

    @Override
    public int pageCount() {
        return document.getNumberOfPages();
    }

    @Override
    public Page page(int number) {
        try {
            TextLayer textLayer = textLayer(number);
            return usable(textLayer.text()) ? textLayer : new Scan(render(number), limits.pdfDpi());
        } catch (IOException | RuntimeException e) {
            if (e instanceof TaskFailure failure) {
                throw failure;
            }
            throw TaskFailure.invalidInput("page " + number + " of the PDF cannot be read: " + e.getMessage());
        }
    }

    @Override
    public String coordinates() {
        return "pixels of the PDF page rendered at " + limits.pdfDpi() + " dpi";
    }

    /** Enough real characters; a layer of unmapped glyphs (U+FFFD) is no better than a scan. */
    private boolean usable(String text) {
        long visible = text.codePoints().filter(c -> !Character.isWhitespace(c)).count();
        long unmapped = text.codePoints()
                .filter(c -> c == 0xFFFD || (Character.isISOControl(c) && !Character.isWhitespace(c))).count();
        return visible >= limits.pdfTextMinChars() && unmapped * 10 < visible;
    }

    private TextLayer textLayer(int number) throws IOException {
        WordCollector stripper = new WordCollector(limits.pdfDpi() / 72.0);
        stripper.setStartPage(number);
        stripper.setEndPage(number);
        stripper.setLineSeparator("\n");
        stripper.setSortByPosition(true);
        String text = stripper.getText(document).strip();
        return new TextLayer(text, stripper.words);
    }

    private BufferedImage render(int number) throws IOException {
        PDRectangle box = document.getPage(number - 1).getCropBox();
        double scale = limits.pdfDpi() / 72.0;
        ImageFiles.checkPixels(Math.round(box.getWidth() * scale), Math.round(box.getHeight() * scale),
                limits.maxPixels());
        return renderer.renderImageWithDPI(number - 1, limits.pdfDpi(), ImageType.GRAY);
    }

    @Override
    public void close() {
        closeQuietly(document);
    }

    private static void closeQuietly(PDDocument document) {
        try {
            document.close();
        } catch (IOException ignored) {
            // a document opened only for reading has nothing to lose on close
        }
    }

    /** The text stripper, also collecting each word's box from the glyph positions. */
    private static final class WordCollector extends PDFTextStripper {
        private final double scale;
        private final List<Word> words = new ArrayList<>();

        WordCollector(double scale) {
            this.scale = scale;
        }

        @Override
        protected void writeString(String text, List<TextPosition> positions) throws IOException {
            super.writeString(text, positions);
            StringBuilder word = new StringBuilder();
            double[] box = null;
            for (TextPosition glyph : positions) {
                if (glyph.getUnicode().isBlank()) {
                    add(word, box);
                    word.setLength(0);
                    box = null;
                    continue;
                }
                word.append(glyph.getUnicode());
                double x1 = glyph.getXDirAdj();
                double y2 = glyph.getYDirAdj();
                double[] glyphBox = {x1, y2 - glyph.getHeightDir(), x1 + glyph.getWidthDirAdj(), y2};
                box = box == null ? glyphBox : new double[] {Math.min(box[0], glyphBox[0]), Math.min(box[1], glyphBox[1]),
                        Math.max(box[2], glyphBox[2]), Math.max(box[3], glyphBox[3])};
            }
            add(word, box);
        }

        private void add(StringBuilder word, double[] box) {
            if (box != null && !word.isEmpty()) {
                words.add(new Word(word.toString(), 100.0, List.of((int) Math.floor(box[0] * scale),
                        (int) Math.floor(box[1] * scale), (int) Math.ceil(box[2] * scale), (int) Math.ceil(box[3] * scale))));
            }
        }
    }
}

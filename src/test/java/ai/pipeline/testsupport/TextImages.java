package ai.pipeline.testsupport;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;

/** Known text rendered as a clean scan, for OCR tests: what the page says is what the test asserts. */
public final class TextImages {

    private TextImages() {
    }

    /** Black text on a white grey-scale page with 100 px margins and 1.5 line spacing. */
    public static BufferedImage render(List<String> lines, Font font) {
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D measure = probe.createGraphics();
        FontMetrics metrics = measure.getFontMetrics(font);
        int width = lines.stream().mapToInt(metrics::stringWidth).max().orElse(0) + 200;
        int lineHeight = metrics.getHeight() * 3 / 2;
        measure.dispose();
        BufferedImage image = new BufferedImage(width, lines.size() * lineHeight + 200, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(font);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        for (int i = 0; i < lines.size(); i++) {
            g.drawString(lines.get(i), 100, 100 + metrics.getAscent() + i * lineHeight);
        }
        g.dispose();
        return image;
    }

    /** An image-only PDF, each image placed as a page of its size at {@code dpi}: what a scanner makes. */
    public static Path scannedPdf(Path file, List<BufferedImage> pages, int dpi) {
        try (PDDocument document = new PDDocument()) {
            for (BufferedImage image : pages) {
                float width = image.getWidth() * 72f / dpi;
                float height = image.getHeight() * 72f / dpi;
                PDPage page = new PDPage(new PDRectangle(width, height));
                document.addPage(page);
                PDImageXObject xObject = LosslessFactory.createFromImage(document, image);
                try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                    content.drawImage(xObject, 0, 0, width, height);
                }
            }
            document.save(file.toFile());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

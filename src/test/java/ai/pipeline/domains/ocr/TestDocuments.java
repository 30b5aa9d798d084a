package ai.pipeline.domains.ocr;

import ai.pipeline.testsupport.TextImages;
import java.awt.Font;
import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * Test inputs made from known text: pages drawn with Java2D at the size 12-point type has at
 * 300 dpi (50 px), saved as multi-page TIFF or as an image-only ("scanned") PDF, and PDFs with a real
 * text layer made with PDFBox.
 */
final class TestDocuments {

    static final int DPI = 300;
    /** 12 pt at 300 dpi. */
    static final int FONT_PX = 50;

    static final List<List<String>> ENGLISH_PAGES = List.of(
            List.of("Invoice for consulting services rendered",
                    "during the month of March, delivered to",
                    "the northern office by our field team."),
            List.of("The committee reviewed every proposal",
                    "and agreed to fund the three projects",
                    "with the strongest evidence of impact."),
            List.of("Shipping is free for orders above fifty",
                    "dollars, and returns are accepted within",
                    "thirty days of the delivery date."));

    static final List<String> KOREAN_LINES = List.of(
            "안녕하세요. 오늘은 날씨가 정말 좋습니다.",
            "우리는 문서에서 글자를 자동으로 인식합니다.",
            "한국어 문자 인식 결과를 확인해 주세요.");

    private TestDocuments() {
    }

    static String text(List<String> lines) {
        return String.join("\n", lines);
    }

    static Font serif() {
        return new Font(Font.SERIF, Font.PLAIN, FONT_PX);
    }

    /** NanumGothic from fonts-nanum, found by family name. */
    static Font korean() {
        String family = Arrays.stream(GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames())
                .filter(name -> name.equalsIgnoreCase("NanumGothic"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("NanumGothic not installed (apt-get install fonts-nanum)"));
        return new Font(family, Font.PLAIN, FONT_PX);
    }

    /** Black text on a white grey-scale page with 100 px margins and 1.5 line spacing. */
    static BufferedImage render(List<String> lines, Font font) {
        return TextImages.render(lines, font);
    }

    static List<BufferedImage> render(List<List<String>> pages) {
        return pages.stream().map(lines -> render(lines, serif())).toList();
    }

    static Path png(Path file, BufferedImage image) {
        try {
            ImageIO.write(image, "png", file.toFile());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path tiff(Path file, List<BufferedImage> pages) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(Files.newOutputStream(file))) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (BufferedImage page : pages) {
                writer.writeToSequence(new IIOImage(page, null, null), null);
            }
            writer.endWriteSequence();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }

    /** An image-only PDF, each image placed as a page of its size at {@link #DPI}: what a scanner makes. */
    static Path scannedPdf(Path file, List<BufferedImage> pages) {
        return TextImages.scannedPdf(file, pages, DPI);
    }

    /** A PDF whose pages carry real text (Helvetica, 12 pt) and no images. */
    static Path textPdf(Path file, List<List<String>> pages) {
        try (PDDocument document = new PDDocument()) {
            writeTextPages(document, pages);
            document.save(file.toFile());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A text PDF that opens only with the user password {@code secret}. */
    static Path encryptedPdf(Path file) {
        try (PDDocument document = new PDDocument()) {
            writeTextPages(document, ENGLISH_PAGES.subList(0, 1));
            StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-secret", "secret", new AccessPermission());
            policy.setEncryptionKeyLength(128);
            document.protect(policy);
            document.save(file.toFile());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A well-formed PDF with an empty page tree. */
    static Path emptyPdf(Path file) {
        try (PDDocument document = new PDDocument()) {
            document.save(file.toFile());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeTextPages(PDDocument document, List<List<String>> pages) throws IOException {
        PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
        for (List<String> lines : pages) {
            PDPage page = new PDPage(PDRectangle.A4);
            document.addPage(page);
            try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                content.beginText();
                content.setFont(font, 12);
                content.setLeading(18);
                content.newLineAtOffset(72, PDRectangle.A4.getHeight() - 72);
                for (String line : lines) {
                    content.showText(line);
                    content.newLine();
                }
                content.endText();
            }
        }
    }
}

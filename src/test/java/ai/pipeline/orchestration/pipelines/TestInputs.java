package ai.pipeline.orchestration.pipelines;

import ai.pipeline.domains.llm.ContractSample;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.testsupport.TextImages;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.imageio.ImageIO;

/**
 * Inputs the pipeline tests make themselves: a contract as a scanned PDF (every page an image of
 * its text, so OCR really runs; no text layer) and small images of a few lines of text. Text is drawn
 * at the size 12-point type has at 300 dpi (50 px).
 */
public final class TestInputs {

    /** The contract's pages: governing law, termination and liability clauses among ordinary ones. */
    public static final List<String> CONTRACT_PAGES = List.of(
            "SERVICES AGREEMENT\n\nThis Services Agreement is made between Northwind Traders LLC (the \"Client\") and "
                    + "Blue Harbor Consulting Inc. (the \"Service Provider\").\n\n1. Services. The Service Provider shall "
                    + "provide the consulting services described in Schedule A.\n\n2. Termination. " + ContractSample.TERMINATION,
            "3. Limitation of Liability. " + ContractSample.LIABILITY + "\n\n4. Assignment. " + ContractSample.ASSIGNMENT,
            "5. Notices. All notices shall be in writing and delivered by hand or by registered mail.\n\n"
                    + "6. Governing Law. " + ContractSample.GOVERNING_LAW);

    private static final int DPI = 300;
    private static final int FONT_PX = 50;
    private static final int LINE_CHARS = 48;

    private TestInputs() {
    }

    /** The contract's first {@code pages} pages as an image-only PDF. */
    public static Path contractPdf(Path file, int pages) {
        List<BufferedImage> images = new ArrayList<>();
        for (String page : CONTRACT_PAGES.subList(0, pages)) {
            images.add(render(wrap(page)));
        }
        return scannedPdf(file, images);
    }

    /** A PNG of these lines of text. */
    public static Path textPng(Path file, String... lines) {
        try {
            ImageIO.write(render(List.of(lines)), "png", file.toFile());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A PNG of these lines of text, stored under {@code folder} in storage; returns its storage path. */
    public static String storedTextPng(Storage storage, String folder, String... lines) {
        try {
            Path dir = Files.createDirectories(storage.root().resolve(folder));
            return storage.relativize(textPng(dir.resolve(UUID.randomUUID() + ".png"), lines));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Paragraphs (blank-line separated) broken into lines of at most {@link #LINE_CHARS} characters. */
    static List<String> wrap(String text) {
        List<String> lines = new ArrayList<>();
        for (String paragraph : text.split("\n\n")) {
            StringBuilder line = new StringBuilder();
            for (String word : paragraph.split("\\s+")) {
                if (line.length() > 0 && line.length() + 1 + word.length() > LINE_CHARS) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                line.append(line.length() > 0 ? " " : "").append(word);
            }
            lines.add(line.toString());
            lines.add("");
        }
        return lines;
    }

    private static BufferedImage render(List<String> lines) {
        return TextImages.render(lines, new Font(Font.SERIF, Font.PLAIN, FONT_PX));
    }

    private static Path scannedPdf(Path file, List<BufferedImage> pages) {
        return TextImages.scannedPdf(file, pages, DPI);
    }
}

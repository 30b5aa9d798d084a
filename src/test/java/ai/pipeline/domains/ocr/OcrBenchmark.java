package ai.pipeline.domains.ocr;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.shared.task.CancellationSignal;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Throughput of OCR on a 20-page scanned PDF (pages about A4 at 300 dpi, 36 lines of 12-point text each):
 * in process with one Tesseract instance, with the pool on 2 threads (pages in parallel), and the
 * {@code tesseract} command line per page on the same page images. Prints JSON lines.
 *
 * <pre>./mvnw -q -B -Pbenchmark test -Dtest=OcrBenchmark</pre>
 */
@Tag("benchmark")
class OcrBenchmark {

    private static final int PAGES = 20;
    private static final int LINES_PER_PAGE = 36;
    private static final String[] WORDS = ("the of and to in is that for it as was with be by on not he this are or his "
            + "from at which but have an they you were her she there been one all we their has would when if so no "
            + "will more about what up out them into can only other time new some could these two may first then do "
            + "any like my now over such our man me even most made after also did many before must through back years "
            + "where much your way well down should because each just those people how too little state good very make "
            + "world still own see men work long get here between both life being under never day same another know "
            + "while last might us great old year off come since against go came right used take three contract "
            + "payment invoice delivery service agreement party notice period term shall")
            .split(" ");

    @TempDir
    Path dir;

    @Test
    void pagesPerSecond() throws Exception {
        List<List<String>> text = pagesOfText();
        List<BufferedImage> images = new ArrayList<>();
        for (List<String> lines : text) {
            images.add(TestDocuments.render(lines, TestDocuments.serif()));
        }
        Path pdf = TestDocuments.scannedPdf(dir.resolve("scanned-20.pdf"), images);
        print("ocr.input", "\"pages\": %d, \"page_pixels\": \"%dx%d\", \"characters_per_page\": %d, "
                + "\"processors\": %d, \"load_average\": %.2f", PAGES, images.get(0).getWidth(), images.get(0).getHeight(),
                TestDocuments.text(text.get(0)).length(), Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        images.clear();

        double oneThread = inProcess(pdf, text, 1);
        double twoThreads = inProcess(pdf, text, 2);
        commandLine(pdf, text);
        print("ocr.speedup", "\"two_threads_over_one\": %.2f, \"load_average\": %.2f", twoThreads / oneThread,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** Pages per second reading the whole PDF (render + OCR) after one warm-up page. */
    private double inProcess(Path pdf, List<List<String>> text, int threads) {
        try (OcrService ocr = new OcrService(TestOcrProperties.withThreads(threads))) {
            ocr.extract(pdf, null, "1-" + threads, CancellationSignal.NEVER); // load the language data into each instance
            long start = System.nanoTime();
            OcrResult result = ocr.extract(pdf, null, null, CancellationSignal.NEVER);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(result.pageCount()).isEqualTo(PAGES);
            double pagesPerSecond = PAGES / seconds;
            print("ocr.in_process", "\"threads\": %d, \"pages\": %d, \"seconds\": %.2f, \"pages_per_s\": %.2f, "
                    + "\"ms_per_page\": %.0f, \"mean_cer\": %.4f", threads, PAGES, seconds, pagesPerSecond,
                    seconds * 1000 / PAGES, meanCer(text, result.pages().stream().map(PageResult::text).toList()));
            return pagesPerSecond;
        }
    }

    /** {@code tesseract page.png stdout} per page, one process at a time, on the same 300 dpi renders. */
    private void commandLine(Path pdf, List<List<String>> text) throws IOException, InterruptedException {
        List<Path> pngs = new ArrayList<>();
        try (PDDocument document = Loader.loadPDF(pdf.toFile())) {
            PDFRenderer renderer = new PDFRenderer(document);
            for (int i = 0; i < PAGES; i++) {
                Path png = dir.resolve("page-" + (i + 1) + ".png");
                ImageIO.write(renderer.renderImageWithDPI(i, 300, ImageType.GRAY), "png", png.toFile());
                pngs.add(png);
            }
        }
        String version = run(List.of("tesseract", "--version")).lines().findFirst().orElse("?");
        run(List.of("tesseract", pngs.get(0).toString(), "stdout", "--dpi", "300")); // warm the page cache
        List<String> outputs = new ArrayList<>();
        long start = System.nanoTime();
        for (Path png : pngs) {
            outputs.add(run(List.of("tesseract", png.toString(), "stdout", "--dpi", "300")));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        print("ocr.command_line", "\"tesseract\": \"%s\", \"pages\": %d, \"seconds\": %.2f, \"pages_per_s\": %.2f, "
                + "\"ms_per_page\": %.0f, \"mean_cer\": %.4f", version, PAGES, seconds, PAGES / seconds,
                seconds * 1000 / PAGES, meanCer(text, outputs));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("OMP_THREAD_LIMIT", "1");
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s exit code", command).isZero();
        return out;
    }

    private static List<List<String>> pagesOfText() {
        Random random = new Random(42);
        List<List<String>> pages = new ArrayList<>();
        for (int p = 0; p < PAGES; p++) {
            List<String> lines = new ArrayList<>();
            for (int l = 0; l < LINES_PER_PAGE; l++) {
                StringBuilder line = new StringBuilder(l == 0 ? "Page " + (p + 1) + ":" : "");
                while (line.length() < 90) {
                    line.append(line.isEmpty() ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
                }
                lines.add(line.toString());
            }
            pages.add(lines);
        }
        return pages;
    }

    private static double meanCer(List<List<String>> expected, List<String> actual) {
        double sum = 0;
        for (int i = 0; i < expected.size(); i++) {
            sum += CharacterErrorRate.of(TestDocuments.text(expected.get(i)), actual.get(i));
        }
        return sum / expected.size();
    }

    private static void print(String name, String format, Object... values) {
        System.out.println("{\"benchmark\": \"" + name + "\", " + String.format(Locale.ROOT, format, values) + "}");
    }
}

package ai.pipeline.domains.ocr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.shared.task.CancellationSignal;
import ai.pipeline.shared.task.TaskFailure;
import ai.pipeline.testsupport.SharedTestData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.util.unit.DataSize;

/** The OCR service on real Tesseract: accuracy on known text, every format, PDFs, languages, limits. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OcrServiceTest {

    static OcrService ocr;
    static List<BufferedImage> englishPages;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        ocr = new OcrService(TestOcrProperties.withThreads(2));
        englishPages = TestDocuments.render(TestDocuments.ENGLISH_PAGES);
    }

    @AfterAll
    static void stop() {
        ocr.close();
    }

    @Test
    void readsTheScannedSamplePageWithinOnePercentCharacterErrors() throws IOException {
        Path scan = SharedTestData.file("testdata/ocr/phototest.tif");
        String expected = Files.readString(SharedTestData.file("testdata/ocr/phototest.txt"));

        OcrResult result = ocr.extract(scan, null, null, CancellationSignal.NEVER);

        assertThat(CharacterErrorRate.of(expected, result.text())).isLessThanOrEqualTo(0.01);
        assertThat(result.pageCount()).isEqualTo(1);
        assertThat(result.languages()).containsExactly("eng");
        PageResult page = result.pages().get(0);
        assertThat(page.page()).isEqualTo(1);
        assertThat(page.source()).isEqualTo(PageResult.OCR);
        assertThat(page.confidence()).isBetween(80.0, 100.0);
        BufferedImage image = ImageIO.read(scan.toFile());
        assertThat(page.words()).isNotEmpty().allSatisfy(word -> {
            assertThat(word.confidence()).isBetween(0.0, 100.0);
            assertThat(word.box().get(0)).isBetween(0, word.box().get(2));
            assertThat(word.box().get(1)).isBetween(0, word.box().get(3));
            assertThat(word.box().get(2)).isLessThanOrEqualTo(image.getWidth());
            assertThat(word.box().get(3)).isLessThanOrEqualTo(image.getHeight());
        });
        assertThat(page.words().get(0).text()).isEqualTo("This");
        assertThat(result.provenance().engine()).isEqualTo("tesseract");
        assertThat(result.provenance().version()).startsWith("5.");
        assertThat(result.provenance().model()).isEqualTo("eng");
        assertThat(result.provenance().details()).containsKey("language_data");
    }

    @Test
    void readsEveryPageOfAMultiPageTiffInOrder() {
        Path tiff = TestDocuments.tiff(dir.resolve("pages.tif"), englishPages);

        OcrResult result = ocr.extract(tiff, null, null, CancellationSignal.NEVER);

        assertPagesMatch(result, TestDocuments.ENGLISH_PAGES);
        // the first word was drawn at x = 100 px, baseline at 100 px + ascent: boxes are in image pixels
        Word first = result.pages().get(0).words().get(0);
        assertThat(first.text()).isEqualTo("Invoice");
        assertThat(first.box().get(0)).isBetween(95, 110);
        assertThat(first.box().get(1)).isBetween(100, 150);
    }

    @Test
    void ocrsEveryPageOfAScannedPdfInOrder() {
        Path pdf = TestDocuments.scannedPdf(dir.resolve("scan.pdf"), englishPages);

        OcrResult result = ocr.extract(pdf, null, null, CancellationSignal.NEVER);

        assertPagesMatch(result, TestDocuments.ENGLISH_PAGES);
        assertThat(result.pages()).allSatisfy(page -> {
            assertThat(page.source()).isEqualTo(PageResult.OCR);
            assertThat(page.provenance().details()).containsEntry("dpi", 300);
        });
        assertThat(result.provenance().details()).containsEntry("pages_ocr", List.of(1, 2, 3));
    }

    @Test
    void takesAPdfTextLayerAsItIsWithoutOcr() {
        Path pdf = TestDocuments.textPdf(dir.resolve("text.pdf"), TestDocuments.ENGLISH_PAGES);

        OcrResult result = ocr.extract(pdf, null, null, CancellationSignal.NEVER);

        assertThat(result.pages()).extracting(PageResult::text)
                .containsExactlyElementsOf(TestDocuments.ENGLISH_PAGES.stream().map(TestDocuments::text).toList());
        assertThat(result.pages()).allSatisfy(page -> {
            assertThat(page.source()).isEqualTo(PageResult.TEXT_LAYER);
            assertThat(page.provenance().engine()).isEqualTo("pdfbox");
        });
        assertThat(result.provenance().details())
                .containsEntry("pages_text_layer", List.of(1, 2, 3))
                .containsEntry("pages_ocr", List.of());
        // words carry boxes in pixels at 300 dpi: the first line starts one inch (300 px) from the left
        Word first = result.pages().get(0).words().get(0);
        assertThat(first.text()).isEqualTo("Invoice");
        assertThat(first.box().get(0)).isBetween(295, 305);
    }

    @Test
    void readsKoreanWithEnglishAndKoreanLanguageData() {
        Path image = TestDocuments.png(dir.resolve("korean.png"),
                TestDocuments.render(TestDocuments.KOREAN_LINES, TestDocuments.korean()));

        OcrResult result = ocr.extract(image, "eng+kor", null, CancellationSignal.NEVER);

        assertThat(CharacterErrorRate.of(TestDocuments.text(TestDocuments.KOREAN_LINES), result.text()))
                .as("CER of %s", result.text()).isLessThanOrEqualTo(0.05);
        assertThat(result.languages()).containsExactly("eng", "kor");
        assertThat(result.provenance().model()).isEqualTo("eng+kor");
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "jpeg", "bmp", "gif"})
    void readsSinglePageImageFormats(String format) throws IOException {
        Path file = dir.resolve("page." + format);
        assertThat(ImageIO.write(englishPages.get(1), format, file.toFile())).isTrue();

        OcrResult result = ocr.extract(file, null, null, CancellationSignal.NEVER);

        assertPagesMatch(result, TestDocuments.ENGLISH_PAGES.subList(1, 2));
    }

    @Test
    void readsDarkTextOnATransparentBackground() {
        BufferedImage page = englishPages.get(2);
        BufferedImage transparent = new BufferedImage(page.getWidth(), page.getHeight(), BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < page.getHeight(); y++) {
            for (int x = 0; x < page.getWidth(); x++) {
                int ink = 255 - (page.getRGB(x, y) & 0xFF);
                transparent.setRGB(x, y, ink << 24); // black, as opaque as the ink is dark
            }
        }
        Path png = TestDocuments.png(dir.resolve("transparent.png"), transparent);

        assertPagesMatch(ocr.extract(png, null, null, CancellationSignal.NEVER), TestDocuments.ENGLISH_PAGES.subList(2, 3));
    }

    @Test
    void concurrentRequestsNeverShareAnInstance() throws Exception {
        Path tiff = TestDocuments.tiff(dir.resolve("pages.tif"), englishPages);
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<OcrResult>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(callers.submit(() -> ocr.extract(tiff, null, null, CancellationSignal.NEVER)));
            }
            String first = results.get(0).get().text();
            for (Future<OcrResult> result : results) {
                assertPagesMatch(result.get(), TestDocuments.ENGLISH_PAGES);
                assertThat(result.get().text()).isEqualTo(first);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void readsOnlyTheSelectedPages() {
        Path tiff = TestDocuments.tiff(dir.resolve("pages.tif"), englishPages);

        OcrResult result = ocr.extract(tiff, null, "3, 1", CancellationSignal.NEVER);

        assertThat(result.pages()).extracting(PageResult::page).containsExactly(1, 3);
        assertThat(result.provenance().details()).containsEntry("document_page_count", 3);
        assertThatThrownBy(() -> ocr.extract(tiff, null, "2-4", CancellationSignal.NEVER))
                .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.reason()).isEqualTo(TaskFailure.Reason.INVALID_INPUT))
                .hasMessageContaining("page 4 does not exist");
    }

    @Test
    void namesAnUnknownLanguage() {
        Path png = TestDocuments.png(dir.resolve("page.png"), englishPages.get(0));

        assertThatThrownBy(() -> ocr.extract(png, "eng+xyz", null, CancellationSignal.NEVER))
                .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.reason()).isEqualTo(TaskFailure.Reason.INVALID_INPUT))
                .hasMessageContaining("'xyz'").hasMessageContaining("kor");
        assertThatThrownBy(() -> ocr.extract(png, "../eng", null, CancellationSignal.NEVER))
                .isInstanceOf(TaskFailure.class).hasMessageContaining("unknown OCR language");
    }

    @Test
    void refusesInputsOverTheLimitsBeforeReadingThem() {
        Path tiff = TestDocuments.tiff(dir.resolve("pages.tif"), englishPages);
        Path textPdf = TestDocuments.textPdf(dir.resolve("a4.pdf"), TestDocuments.ENGLISH_PAGES);
        Path scannedPdf = TestDocuments.scannedPdf(dir.resolve("scan.pdf"), englishPages);

        try (OcrService twoPages = new OcrService(TestOcrProperties.withLimits(DataSize.ofMegabytes(100), 2, 40_000_000));
                OcrService smallFiles = new OcrService(TestOcrProperties.withLimits(DataSize.ofKilobytes(1), 500, 40_000_000));
                OcrService smallPages = new OcrService(TestOcrProperties.withLimits(DataSize.ofMegabytes(100), 500, 100_000))) {
            assertThatThrownBy(() -> twoPages.extract(tiff, null, null, CancellationSignal.NEVER))
                    .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.reason()).isEqualTo(TaskFailure.Reason.TOO_LARGE))
                    .hasMessageContaining("3 pages requested; the limit is 2");
            assertThat(twoPages.extract(tiff, null, "2-3", CancellationSignal.NEVER).pageCount()).isEqualTo(2);
            assertThatThrownBy(() -> smallFiles.extract(tiff, null, null, CancellationSignal.NEVER))
                    .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.reason()).isEqualTo(TaskFailure.Reason.TOO_LARGE))
                    .hasMessageContaining("limit is 1024 bytes");
            assertThatThrownBy(() -> smallPages.extract(tiff, null, null, CancellationSignal.NEVER))
                    .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.reason()).isEqualTo(TaskFailure.Reason.TOO_LARGE))
                    .hasMessageContaining("the limit is 100000 pixels");
            // a scanned PDF page is measured (page size x dpi) before it is rendered
            assertThatThrownBy(() -> smallPages.extract(scannedPdf, null, null, CancellationSignal.NEVER))
                    .isInstanceOf(TaskFailure.class).hasMessageContaining("the limit is 100000 pixels");
            // a text layer is not rendered, so the pixel limit does not apply
            assertThat(smallPages.extract(textPdf, null, null, CancellationSignal.NEVER).pageCount()).isEqualTo(3);
        }
    }

    @Test
    void stopsBetweenPagesWhenCancelledAndKeepsThePoolUsable() {
        Path tiff = TestDocuments.tiff(dir.resolve("pages.tif"), englishPages);
        AtomicInteger checks = new AtomicInteger();
        CancellationSignal cancelledAfterFirstPage = () -> checks.incrementAndGet() > 1;

        assertThatThrownBy(() -> ocr.extract(tiff, null, null, cancelledAfterFirstPage))
                .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.reason()).isEqualTo(TaskFailure.Reason.CANCELLED));
        assertThat(checks).hasValue(2);

        assertPagesMatch(ocr.extract(tiff, null, null, CancellationSignal.NEVER), TestDocuments.ENGLISH_PAGES);
    }

    @Test
    void withoutLanguageDataTheServiceIsUnavailableNotTheInputBad() throws IOException {
        Path png = TestDocuments.png(dir.resolve("page.png"), englishPages.get(0));
        Path emptyTessdata = Files.createDirectory(dir.resolve("tessdata"));

        try (OcrService misconfigured = new OcrService(TestOcrProperties.withDatapath(emptyTessdata.toString()))) {
            assertThatThrownBy(() -> misconfigured.extract(png, null, null, CancellationSignal.NEVER))
                    .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.retryable()).isTrue())
                    .hasMessageContaining("no Tesseract language data in " + emptyTessdata)
                    .hasMessageContaining("app.ocr.datapath");
        }
    }

    @Test
    void refusesWhatIsNotADocument() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.png"), "just some text, not an image");

        assertThatThrownBy(() -> ocr.extract(text, null, null, CancellationSignal.NEVER))
                .isInstanceOfSatisfying(TaskFailure.class,
                        f -> assertThat(f.reason()).isEqualTo(TaskFailure.Reason.UNSUPPORTED_FORMAT))
                .hasMessageContaining("unsupported format");
    }

    static void assertPagesMatch(OcrResult result, List<List<String>> expectedPages) {
        assertThat(result.pages()).hasSize(expectedPages.size());
        assertThat(result.pageCount()).isEqualTo(expectedPages.size());
        for (int i = 0; i < expectedPages.size(); i++) {
            PageResult page = result.pages().get(i);
            String expected = TestDocuments.text(expectedPages.get(i));
            assertThat(CharacterErrorRate.of(expected, page.text()))
                    .as("CER of page %d: %s", page.page(), page.text()).isLessThanOrEqualTo(0.02);
        }
        assertThat(result.text()).isEqualTo(String.join("\n\n", result.pages().stream().map(PageResult::text).toList()));
    }
}

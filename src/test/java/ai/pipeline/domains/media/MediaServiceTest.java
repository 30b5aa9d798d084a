package ai.pipeline.domains.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.CancellationSignal;
import ai.pipeline.shared.task.TaskFailure;
import ai.pipeline.testsupport.SharedTestData;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Preparing images and PDFs without a model: normalising and measuring. */
class MediaServiceTest {

    @TempDir
    Path dir;

    Storage storage;
    MediaService media;

    @BeforeEach
    void media() {
        storage = new Storage(dir.resolve("storage"), 10_000_000);
        media = new MediaService(storage, new MediaProperties(40_000_000, 72));
    }

    private Path inStorage(String name, BufferedImage image) throws Exception {
        Path file = storage.root().resolve(name);
        ImageIO.write(image, name.endsWith(".png") ? "png" : "bmp", file.toFile());
        return file;
    }

    private static BufferedImage halves(int width, int height, Color left, Color right) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(left);
        g.fillRect(0, 0, width / 2, height);
        g.setColor(right);
        g.fillRect(width / 2, 0, width - width / 2, height);
        g.dispose();
        return image;
    }

    @Test
    void aPhotoBecomesAnUprightRgbPngInStorageWithItsFacts() throws Exception {
        Path photo = Files.copy(SharedTestData.file("testdata/images/dog.jpg"), storage.root().resolve("dog.jpg"));

        NormalizedMedia normalized = media.normalize(photo, CancellationSignal.NEVER);

        assertThat(normalized.source().path()).isEqualTo("dog.jpg");
        assertThat(normalized.source().format()).isEqualTo("jpeg");
        assertThat(normalized.source().mediaType()).isEqualTo("image/jpeg");
        assertThat(normalized.source().sha256()).hasSize(64);
        assertThat(normalized.pageCount()).isEqualTo(1);
        assertThat(normalized.documentPath()).isEqualTo("dog.jpg");
        assertThat(normalized.imagePath()).startsWith("normalized/").endsWith("-dog.png");
        BufferedImage written = ImageIO.read(storage.resolve(normalized.imagePath()).toFile());
        assertThat(written.getWidth()).isEqualTo(768);
        assertThat(written.getHeight()).isEqualTo(576);
        assertThat(normalized.image().exifOrientation()).isEqualTo(1);
        assertThat(normalized.provenance().engine()).isEqualTo("imageio");
    }

    @Test
    void aPdfIsCountedAndItsFirstPageRenderedAtThePreviewResolution() throws Exception {
        Path pdf = storage.root().resolve("two.pdf");
        try (PDDocument document = new PDDocument()) {
            document.addPage(new PDPage(PDRectangle.A4));
            document.addPage(new PDPage(PDRectangle.A4));
            document.save(pdf.toFile());
        }

        NormalizedMedia normalized = media.normalize(pdf, CancellationSignal.NEVER);

        assertThat(normalized.pageCount()).isEqualTo(2);
        assertThat(normalized.source().format()).isEqualTo("pdf");
        assertThat(normalized.documentPath()).isEqualTo("two.pdf");
        assertThat(normalized.image().renderedPage()).isEqualTo(1);
        assertThat(normalized.image().width()).isEqualTo(595);   // A4 at 72 dpi
        assertThat(normalized.provenance().engine()).isEqualTo("pdfbox");
    }

    @Test
    void contentThatIsNeitherImageNorPdfIsUnsupportedAndEmptyIsInvalid() throws Exception {
        Path text = Files.writeString(storage.root().resolve("notes.pdf"), "just text");
        assertThatThrownBy(() -> media.normalize(text, CancellationSignal.NEVER)).isInstanceOfSatisfying(TaskFailure.class,
                e -> assertThat(e.reason()).isEqualTo(TaskFailure.Reason.UNSUPPORTED_FORMAT));
        Path empty = Files.createFile(storage.root().resolve("empty.png"));
        assertThatThrownBy(() -> media.normalize(empty, CancellationSignal.NEVER)).isInstanceOfSatisfying(TaskFailure.class,
                e -> assertThat(e.reason()).isEqualTo(TaskFailure.Reason.INVALID_INPUT));
    }

    @Test
    void featuresMeasureColourAndDetail() throws Exception {
        ImageFeatures flat = media.features(inStorage("grey.png", halves(64, 32, Color.GRAY, Color.GRAY)));
        assertThat(flat.sharpness()).isZero();
        assertThat(flat.edgeDensity()).isZero();
        assertThat(flat.colorfulness()).isZero();
        assertThat(flat.dominantColors()).hasSize(1);
        assertThat(flat.dominantColors().get(0).share()).isEqualTo(1.0);

        ImageFeatures split = media.features(inStorage("split.png", halves(64, 32, Color.RED, Color.BLUE)));
        assertThat(split.width()).isEqualTo(64);
        assertThat(split.aspectRatio()).isEqualTo(2.0);
        assertThat(split.meanRgb()).containsExactly(127.5, 0.0, 127.5);
        assertThat(split.dominantColors()).extracting(ImageFeatures.DominantColor::hex).containsExactlyInAnyOrder("#ff0000", "#0000ff");
        assertThat(split.histogram().red()[7] + split.histogram().red()[0]).isEqualTo(1.0);
        assertThat(split.edgeDensity()).isGreaterThan(0).isLessThan(0.1);
        assertThat(split.colorfulness()).isGreaterThan(100);
        assertThat(split.sampledWidth()).isEqualTo(64);
    }

    @Test
    void largeImagesAreMeasuredOnASampleOfBoundedSize() throws Exception {
        ImageFeatures big = media.features(inStorage("big.bmp", halves(2048, 1024, Color.WHITE, Color.BLACK)));
        assertThat(big.width()).isEqualTo(2048);
        assertThat(big.sampledWidth()).isEqualTo(ImageMeasurements.SAMPLE_SIDE);
        assertThat(big.sampledHeight()).isEqualTo(256);
        assertThat(big.brightness()).isEqualTo(0.5);
    }
}

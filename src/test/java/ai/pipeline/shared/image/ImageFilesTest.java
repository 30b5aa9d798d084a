package ai.pipeline.shared.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.shared.task.TaskFailure;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFilesTest {

    @TempDir
    Path tmp;

    @Test
    void recognisesFormatsByContentNotByName() throws Exception {
        Path png = write("real.png", image(20, 10), "png");
        Path jpegNamedPng = write("photo.png", image(20, 10), "jpeg");
        Path text = Files.writeString(tmp.resolve("notes.png"), "not an image");

        assertThat(ImageFiles.detect(png)).isEqualTo(ImageFiles.Format.PNG);
        assertThat(ImageFiles.detect(jpegNamedPng)).isEqualTo(ImageFiles.Format.JPEG);
        assertThat(ImageFiles.detect(text)).isEqualTo(ImageFiles.Format.UNKNOWN);
        assertThatThrownBy(() -> ImageFiles.read(text, 0, 1_000_000))
                .isInstanceOfSatisfying(TaskFailure.class, e -> assertThat(e.reason()).isEqualTo(TaskFailure.Reason.UNSUPPORTED_FORMAT));
        assertThatThrownBy(() -> ImageFiles.detect(Files.write(tmp.resolve("empty.png"), new byte[0])))
                .hasMessageContaining("empty");
    }

    @Test
    void refusesADecompressionBombBeforeDecodingIt() throws Exception {
        Path bomb = tmp.resolve("bomb.png");
        Files.write(bomb, pngHeaderOnly(50_000, 50_000));
        assertThat(ImageFiles.dimensions(bomb, 0)).containsExactly(50_000, 50_000);
        assertThatThrownBy(() -> ImageFiles.read(bomb, 0, 100_000_000L))
                .isInstanceOfSatisfying(TaskFailure.class, e -> assertThat(e.reason()).isEqualTo(TaskFailure.Reason.TOO_LARGE))
                .hasMessageContaining("50000x50000");
    }

    @Test
    void truncatedImagesAreBadInput() throws Exception {
        byte[] full = Files.readAllBytes(write("full.png", image(200, 200), "png"));
        Path truncated = Files.write(tmp.resolve("truncated.png"), java.util.Arrays.copyOf(full, full.length / 3));
        assertThatThrownBy(() -> ImageFiles.read(truncated, 0, 1_000_000))
                .isInstanceOfSatisfying(TaskFailure.class, e -> assertThat(e.reason()).isEqualTo(TaskFailure.Reason.INVALID_INPUT));
    }

    @Test
    void aTiffWhosePagesLoopIsBadInputNotAnEndlessCount() throws Exception {
        Path tiff = write("one-page.tif", image(20, 10), "tiff");
        assertThat(ImageFiles.pageCount(tiff)).isEqualTo(1);
        // point the first page's "next page" at itself: ImageIO's own count walks this until the heap is gone
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(tiff))
                .order(Files.readAllBytes(tiff)[0] == 'M' ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN);
        int ifd = bytes.getInt(4);
        bytes.putInt(ifd + 2 + 12 * Short.toUnsignedInt(bytes.getShort(ifd)), ifd);
        Path loop = Files.write(tmp.resolve("loop.tif"), bytes.array());
        assertThatThrownBy(() -> ImageFiles.pageCount(loop))
                .isInstanceOfSatisfying(TaskFailure.class, e -> assertThat(e.reason()).isEqualTo(TaskFailure.Reason.INVALID_INPUT))
                .hasMessageContaining("loop");
    }

    @Test
    void exifOrientationsTurnTheImageUpright() {
        BufferedImage stored = image(30, 10);
        stored.setRGB(0, 0, 0xFF0000);  // top-left marker
        BufferedImage turned = ImageFiles.applyOrientation(stored, 6);
        assertThat(turned.getWidth()).isEqualTo(10);
        assertThat(turned.getHeight()).isEqualTo(30);
        assertThat(turned.getRGB(9, 0) & 0xFFFFFF).isEqualTo(0xFF0000);  // top-left went to top-right
        assertThat(ImageFiles.applyOrientation(stored, 1)).isSameAs(stored);
    }

    private static BufferedImage image(int w, int h) {
        return new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    }

    private Path write(String name, BufferedImage image, String format) throws Exception {
        Path file = tmp.resolve(name);
        ImageIO.write(image, format, file.toFile());
        return file;
    }

    /** A PNG signature and IHDR chunk declaring a size, with no pixel data at all. */
    private static byte[] pngHeaderOnly(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes()).putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        out.writeBytes(ByteBuffer.allocate(4).putInt(13).array());
        out.writeBytes(ihdr.array());
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        return out.toByteArray();
    }
}

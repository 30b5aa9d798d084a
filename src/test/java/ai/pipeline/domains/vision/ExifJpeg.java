package ai.pipeline.domains.vision;

import ai.pipeline.shared.image.ImageFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.imageio.ImageIO;

/** Test photos as a phone stores them: pixels turned, with an EXIF orientation that turns them back. */
final class ExifJpeg {

    private ExifJpeg() {
    }

    /**
     * A JPEG whose pixels are {@code upright} stored the way a camera with EXIF orientation
     * {@code orientation} (3, 6 or 8) stores them, carrying that orientation tag.
     */
    static byte[] storedWithOrientation(BufferedImage upright, int orientation) throws IOException {
        // the stored pixels are the upright ones turned the opposite way
        int inverse = switch (orientation) {
            case 3 -> 3;
            case 6 -> 8;
            case 8 -> 6;
            default -> throw new IllegalArgumentException("orientation " + orientation);
        };
        BufferedImage stored = ImageFiles.applyOrientation(upright, inverse);
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(stored, "jpeg", jpeg);
        return withOrientationTag(jpeg.toByteArray(), orientation);
    }

    /** Inserts an APP1 Exif segment with one IFD entry, Orientation (0x0112), after SOI and the JFIF APP0 segment. */
    static byte[] withOrientationTag(byte[] jpeg, int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 12 + 4);  // big-endian ("MM"), as ByteBuffer's default
        tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8);  // header, first IFD at offset 8
        tiff.putShort((short) 1);                                                // one entry
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1)            // Orientation, SHORT, count 1
                .putShort((short) orientation).putShort((short) 0);            // value, padded to 4 bytes
        tiff.putInt(0);                                                          // no next IFD
        byte[] exif = "Exif\0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int length = 2 + exif.length + tiff.capacity();
        ByteBuffer segment = ByteBuffer.allocate(2 + length);
        segment.put((byte) 0xFF).put((byte) 0xE1).putShort((short) length).put(exif).put(tiff.array());

        int insertAt = 2;  // after SOI
        if ((jpeg[2] & 0xFF) == 0xFF && (jpeg[3] & 0xFF) == 0xE0) {
            insertAt = 4 + (((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF));  // after APP0
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, insertAt);
        out.write(segment.array(), 0, segment.capacity());
        out.write(jpeg, insertAt, jpeg.length - insertAt);
        return out.toByteArray();
    }
}

package ai.pipeline.shared.image;

import ai.pipeline.shared.task.TaskFailure;
import java.awt.geom.AffineTransform;
import java.awt.image.AffineTransformOp;
import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads untrusted image files safely: the format is recognised by its magic bytes (not by the file
 * name), the dimensions declared in the header are checked against a pixel limit before anything
 * is decoded (decompression bombs), and every failure is a {@link TaskFailure} that says what was
 * wrong — never a stack trace.
 */
public final class ImageFiles {

    /** What a file's first bytes say it is. */
    public enum Format {
        PNG("image/png"), JPEG("image/jpeg"), GIF("image/gif"), BMP("image/bmp"), TIFF("image/tiff"),
        PDF("application/pdf"), UNKNOWN("application/octet-stream");

        private final String mediaType;

        Format(String mediaType) {
            this.mediaType = mediaType;
        }

        public boolean isImage() {
            return this != PDF && this != UNKNOWN;
        }

        /** The IANA media type of this format. */
        public String mediaType() {
            return mediaType;
        }
    }

    private ImageFiles() {
    }

    public static Format detect(Path file) {
        byte[] head = new byte[8];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw TaskFailure.notFound("cannot read " + file.getFileName() + ": " + e.getMessage());
        }
        if (n == 0) {
            throw TaskFailure.invalidInput("the file is empty");
        }
        if (n >= 8 && (head[0] & 0xFF) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G') {
            return Format.PNG;
        }
        if (n >= 3 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8 && (head[2] & 0xFF) == 0xFF) {
            return Format.JPEG;
        }
        if (n >= 6 && head[0] == 'G' && head[1] == 'I' && head[2] == 'F' && head[3] == '8') {
            return Format.GIF;
        }
        if (n >= 2 && head[0] == 'B' && head[1] == 'M') {
            return Format.BMP;
        }
        if (n >= 4 && ((head[0] == 'I' && head[1] == 'I' && head[2] == 42 && head[3] == 0)
                || (head[0] == 'M' && head[1] == 'M' && head[2] == 0 && head[3] == 42))) {
            return Format.TIFF;
        }
        if (n >= 5 && head[0] == '%' && head[1] == 'P' && head[2] == 'D' && head[3] == 'F' && head[4] == '-') {
            return Format.PDF;
        }
        return Format.UNKNOWN;
    }

    /** Most pages a TIFF may have: far above any page limit, low enough that counting stays cheap. */
    static final int MAX_TIFF_PAGES = 100_000;

    /** Number of images (pages) in the file: several for a multi-page TIFF, 1 otherwise. */
    public static int pageCount(Path file) {
        if (detect(file) == Format.TIFF) {
            return tiffPageCount(file);
        }
        return withReader(file, reader -> {
            try {
                return reader.getNumImages(true);
            } catch (IOException e) {
                throw corrupt(file, e);
            }
        });
    }

    /**
     * Follows the TIFF's chain of pages (image file directories) itself: ImageIO's reader follows a
     * chain that loops back on itself forever, remembering every offset until the heap is gone.
     */
    private static int tiffPageCount(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            in.setByteOrder(in.readByte() == 'M' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            in.skipBytes(3);
            Set<Long> pages = new HashSet<>();
            for (long offset = in.readUnsignedInt(); offset != 0; offset = in.readUnsignedInt()) {
                if (!pages.add(offset)) {
                    throw TaskFailure.invalidInput("the image is corrupt: its pages form a loop");
                }
                if (pages.size() > MAX_TIFF_PAGES) {
                    throw TaskFailure.tooLarge("the TIFF has more than " + MAX_TIFF_PAGES + " pages");
                }
                in.seek(offset);
                in.skipBytes(12L * in.readUnsignedShort());
            }
            if (pages.isEmpty()) {
                throw TaskFailure.invalidInput("the image is corrupt: the TIFF has no pages");
            }
            return pages.size();
        } catch (IOException e) {
            throw corrupt(file, e);
        }
    }

    /** Width and height declared by page {@code page} (0-based), read without decoding pixels. */
    public static int[] dimensions(Path file, int page) {
        return withReader(file, reader -> {
            try {
                return new int[] {reader.getWidth(page), reader.getHeight(page)};
            } catch (IndexOutOfBoundsException e) {
                throw TaskFailure.invalidInput("the image has no page " + (page + 1));
            } catch (IOException e) {
                throw corrupt(file, e);
            }
        });
    }

    /**
     * Decodes page {@code page} (0-based) after checking that its declared size is within
     * {@code maxPixels}.
     */
    public static BufferedImage read(Path file, int page, long maxPixels) {
        return withReader(file, reader -> {
            try {
                int width = reader.getWidth(page);
                int height = reader.getHeight(page);
                checkPixels(width, height, maxPixels);
                BufferedImage image = reader.read(page);
                if (image == null) {
                    throw TaskFailure.invalidInput("the image could not be decoded");
                }
                return image;
            } catch (IndexOutOfBoundsException e) {
                throw TaskFailure.invalidInput("the image has no page " + (page + 1));
            } catch (IOException | RuntimeException e) {
                if (e instanceof TaskFailure failure) {
                    throw failure;
                }
                throw corrupt(file, e);
            }
        });
    }

    public static void checkPixels(long width, long height, long maxPixels) {
        if (width <= 0 || height <= 0) {
            throw TaskFailure.invalidInput("the image declares an invalid size " + width + "x" + height);
        }
        if (width * height > maxPixels) {
            throw TaskFailure.tooLarge("the image is " + width + "x" + height + " pixels; the limit is "
                    + maxPixels + " pixels");
        }
    }

    /**
     * The EXIF orientation of a JPEG (1 to 8; 1 = upright), or 1 when the file has none. Read from
     * the APP1 segment directly, so no metadata library is needed.
     */
    public static int exifOrientation(Path file) {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            if (in.readUnsignedShort() != 0xFFD8) {
                return 1;
            }
            while (true) {
                int marker = in.readUnsignedShort();
                if ((marker & 0xFF00) != 0xFF00 || marker == 0xFFDA || marker == 0xFFD9) {
                    return 1;
                }
                int length = in.readUnsignedShort() - 2;
                if (length < 0) {
                    return 1;
                }
                if (marker != 0xFFE1) {
                    in.skipNBytes(length);
                    continue;
                }
                byte[] segment = in.readNBytes(length);
                int orientation = orientationFromApp1(segment);
                if (orientation > 0) {
                    return orientation;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 1;
        }
    }

    static int orientationFromApp1(byte[] segment) {
        if (segment.length < 14 || segment[0] != 'E' || segment[1] != 'x' || segment[2] != 'i' || segment[3] != 'f') {
            return 0;
        }
        ByteBuffer tiff = ByteBuffer.wrap(segment, 6, segment.length - 6).slice();
        tiff.order(tiff.get(0) == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int ifd = tiff.getInt(4);
        if (ifd < 8 || ifd + 2 > tiff.limit()) {
            return 0;
        }
        int entries = tiff.getShort(ifd) & 0xFFFF;
        for (int i = 0; i < entries; i++) {
            int entry = ifd + 2 + i * 12;
            if (entry + 12 > tiff.limit()) {
                return 0;
            }
            if ((tiff.getShort(entry) & 0xFFFF) == 0x0112) {
                int value = tiff.getShort(entry + 8) & 0xFFFF;
                return value >= 1 && value <= 8 ? value : 0;
            }
        }
        return 0;
    }

    /** The image turned upright according to an EXIF orientation (1 to 8). */
    public static BufferedImage applyOrientation(BufferedImage image, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        // (x, y) in the stored image -> (x', y') upright, one matrix per EXIF orientation
        AffineTransform t = switch (orientation) {
            case 2 -> new AffineTransform(-1, 0, 0, 1, w, 0);   // mirrored
            case 3 -> new AffineTransform(-1, 0, 0, -1, w, h);  // upside down
            case 4 -> new AffineTransform(1, 0, 0, -1, 0, h);   // mirrored vertically
            case 5 -> new AffineTransform(0, 1, 1, 0, 0, 0);    // transposed
            case 6 -> new AffineTransform(0, 1, -1, 0, h, 0);   // turned 90 degrees clockwise
            case 7 -> new AffineTransform(0, -1, -1, 0, h, w);  // transversed
            default -> new AffineTransform(0, -1, 1, 0, 0, w);  // 8: turned 90 degrees counter-clockwise
        };
        boolean swap = orientation >= 5;
        int type = image.getType() == BufferedImage.TYPE_CUSTOM ? BufferedImage.TYPE_INT_RGB : image.getType();
        BufferedImage target = new BufferedImage(swap ? h : w, swap ? w : h, type);
        new AffineTransformOp(t, AffineTransformOp.TYPE_NEAREST_NEIGHBOR).filter(image, target);
        return target;
    }

    private interface ReaderWork<T> {
        T apply(ImageReader reader);
    }

    private static <T> T withReader(Path file, ReaderWork<T> work) {
        Format format = detect(file);
        if (!format.isImage()) {
            throw TaskFailure.unsupportedFormat("not a supported image (PNG, JPEG, GIF, BMP, TIFF): "
                    + (format == Format.PDF ? "a PDF" : "unrecognised content"));
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw TaskFailure.unsupportedFormat("no decoder for this " + format + " file");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, false, true);
                return work.apply(reader);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw corrupt(file, e);
        }
    }

    private static TaskFailure corrupt(Path file, Exception e) {
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return TaskFailure.invalidInput("the image is corrupt or truncated: " + detail);
    }
}

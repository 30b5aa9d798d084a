package ai.pipeline.domains.ocr;

import ai.pipeline.shared.task.TaskFailure;
import com.sun.jna.Pointer;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.sourceforge.tess4j.ITessAPI.TessBaseAPI;
import net.sourceforge.tess4j.ITessAPI.TessOcrEngineMode;
import net.sourceforge.tess4j.ITessAPI.TessPageIterator;
import net.sourceforge.tess4j.ITessAPI.TessPageIteratorLevel;
import net.sourceforge.tess4j.ITessAPI.TessResultIterator;
import net.sourceforge.tess4j.TessAPI;

/**
 * One native Tesseract instance (a {@code TessBaseAPI}) with its languages loaded. Not thread-safe:
 * Tesseract crashes the JVM when one instance is used by two threads at once, so only the holder
 * of a {@link TesseractPool.Lease} touches it.
 *
 * <p>Images go to Tesseract as raw 8-bit grey pixels (not through Leptonica), which is why the
 * tess4j and Leptonica versions do not matter here.
 */
final class TesseractEngine implements AutoCloseable {

    /** What Tesseract read on one image: its text, mean word confidence and words with boxes. */
    record Recognition(String text, double confidence, List<Word> words) {
    }

    private final TessAPI api;
    private final TessBaseAPI handle;
    private final String datapath;
    private String languages;
    /** Pixel buffer reused from page to page, so a long document does not churn native memory. */
    private ByteBuffer pixels = ByteBuffer.allocateDirect(0);

    TesseractEngine(Path datapath) {
        this.api = api();
        this.handle = api.TessBaseAPICreate();
        this.datapath = datapath.toString();
    }

    /** The native library, or UNAVAILABLE (retryable) when Tesseract is not installed. */
    static TessAPI api() {
        try {
            return TessAPI.INSTANCE;
        } catch (LinkageError e) {
            throw new TaskFailure(TaskFailure.Reason.UNAVAILABLE,
                    "Tesseract is not installed (libtesseract 5 not found): " + e.getMessage(), e);
        }
    }

    String languages() {
        return languages;
    }

    /** Loads {@code languages} ({@code eng+kor}) unless they are already loaded. */
    void load(String languages) {
        if (languages.equals(this.languages)) {
            return;
        }
        this.languages = null;
        if (api.TessBaseAPIInit2(handle, datapath, languages, TessOcrEngineMode.OEM_DEFAULT) != 0) {
            throw new TaskFailure(TaskFailure.Reason.UNAVAILABLE,
                    "Tesseract could not load the language data " + languages + " from " + datapath);
        }
        // Tesseract's CJK models split words into single syllables and join them with spaces ("오 늘 은");
        // with this set, a space is written only where the page has one
        api.TessBaseAPISetVariable(handle, "preserve_interword_spaces", hasCjk(languages) ? "1" : "0");
        this.languages = languages;
    }

    private static boolean hasCjk(String languages) {
        return Arrays.stream(languages.split("\\+")).anyMatch(l -> l.startsWith("kor") || l.startsWith("jpn") || l.startsWith("chi"));
    }

    /**
     * Recognises one image. {@code dpi} is its resolution when known (a rendered PDF page); 0 lets
     * Tesseract estimate it from the text size.
     */
    Recognition recognize(BufferedImage image, int dpi) {
        int width = image.getWidth();
        int height = image.getHeight();
        api.TessBaseAPISetImage(handle, greyPixels(image), width, height, 1, width);
        if (dpi > 0) {
            api.TessBaseAPISetSourceResolution(handle, dpi);
        }
        try {
            if (api.TessBaseAPIRecognize(handle, null) != 0) {
                throw new IllegalStateException("Tesseract failed to recognise the image");
            }
            List<Word> words = words();
            return new Recognition(text(api.TessBaseAPIGetUTF8Text(handle)).strip(), Word.meanConfidence(words), words);
        } finally {
            api.TessBaseAPIClear(handle);
        }
    }

    private List<Word> words() {
        List<Word> words = new ArrayList<>();
        TessResultIterator iterator = api.TessBaseAPIGetIterator(handle);
        if (iterator == null) {
            return words;
        }
        try {
            TessPageIterator page = api.TessResultIteratorGetPageIterator(iterator);
            IntBuffer left = IntBuffer.allocate(1);
            IntBuffer top = IntBuffer.allocate(1);
            IntBuffer right = IntBuffer.allocate(1);
            IntBuffer bottom = IntBuffer.allocate(1);
            int level = TessPageIteratorLevel.RIL_WORD;
            do {
                String text = text(api.TessResultIteratorGetUTF8Text(iterator, level)).strip();
                if (text.isEmpty()) {
                    continue;
                }
                float confidence = api.TessResultIteratorConfidence(iterator, level);
                api.TessPageIteratorBoundingBox(page, level, left, top, right, bottom);
                words.add(new Word(text, Word.round(confidence),
                        List.of(left.get(0), top.get(0), right.get(0), bottom.get(0))));
            } while (api.TessResultIteratorNext(iterator, level) != 0);
        } finally {
            api.TessResultIteratorDelete(iterator);
        }
        return words;
    }

    /** A native UTF-8 string, freed after copying. */
    private String text(Pointer pointer) {
        if (pointer == null) {
            return "";
        }
        try {
            return pointer.getString(0, StandardCharsets.UTF_8.name());
        } finally {
            api.TessDeleteText(pointer);
        }
    }

    /** The image as 8-bit grey, row by row; transparent pixels count as white paper. */
    private ByteBuffer greyPixels(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        int size = Math.multiplyExact(width, height);
        if (pixels.capacity() < size) {
            pixels = ByteBuffer.allocateDirect(size);
        }
        pixels.clear();
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            byte[] row = new byte[width];
            for (int y = 0; y < height; y++) {
                image.getRaster().getDataElements(0, y, width, 1, row);
                pixels.put(row);
            }
        } else {
            int[] row = new int[width];
            for (int y = 0; y < height; y++) {
                image.getRGB(0, y, width, 1, row, 0, width);
                for (int argb : row) {
                    pixels.put((byte) luminanceOnWhite(argb));
                }
            }
        }
        return pixels.flip();
    }

    static int luminanceOnWhite(int argb) {
        int alpha = argb >>> 24;
        int r = (argb >> 16) & 0xFF;
        int g = (argb >> 8) & 0xFF;
        int b = argb & 0xFF;
        int luminance = (299 * r + 587 * g + 114 * b) / 1000;
        return (luminance * alpha + 255 * (255 - alpha)) / 255;
    }

    @Override
    public void close() {
        api.TessBaseAPIEnd(handle);
        api.TessBaseAPIDelete(handle);
    }
}

package ai.pipeline.domains.ocr;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code app.ocr.*}: where Tesseract's language data is, how many pages are recognised at once, and
 * the limits that keep one request from taking the service down.
 *
 * @param languages       languages used when a request names none, {@code +}-separated ({@code eng+kor})
 * @param datapath        the tessdata folder itself; empty: {@code TESSDATA_PREFIX}, else Debian's folder
 * @param threads         Tesseract instances (pages recognised at once); 0: one per processor
 * @param maxFileSize     largest input file
 * @param maxPages        most pages recognised in one request
 * @param maxPixels       most pixels in one page, checked before decoding or rendering
 * @param pdfDpi          resolution at which PDF pages without a text layer are rendered for OCR
 * @param pdfTextMinChars non-blank characters a PDF page's text layer needs to be used instead of OCR
 */
@ConfigurationProperties("app.ocr")
record OcrProperties(
        @DefaultValue("eng") String languages,
        @DefaultValue("") String datapath,
        @DefaultValue("0") int threads,
        @DefaultValue("100MB") DataSize maxFileSize,
        @DefaultValue("500") int maxPages,
        @DefaultValue("40000000") long maxPixels,
        @DefaultValue("300") int pdfDpi,
        @DefaultValue("16") int pdfTextMinChars) {

    static final String DEBIAN_TESSDATA = "/usr/share/tesseract-ocr/5/tessdata";

    /** Pool size: the configured number, or one instance per processor. */
    int poolSize() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    /**
     * The tessdata folder: {@code app.ocr.datapath} when set, else {@code TESSDATA_PREFIX} (which
     * Tesseract 5 means to be the tessdata folder; an older-style parent folder is accepted too),
     * else Debian's location.
     */
    Path tessdata() {
        if (datapath != null && !datapath.isBlank()) {
            return Path.of(datapath);
        }
        String prefix = System.getenv("TESSDATA_PREFIX");
        if (prefix != null && !prefix.isBlank()) {
            Path dir = Path.of(prefix);
            Path nested = dir.resolve("tessdata");
            return !TesseractPool.hasLanguageData(dir) && TesseractPool.hasLanguageData(nested) ? nested : dir;
        }
        return Path.of(DEBIAN_TESSDATA);
    }
}

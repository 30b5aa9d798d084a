package ai.pipeline.domains.ocr;

import org.springframework.util.unit.DataSize;

/** {@link OcrProperties} as the defaults in {@code application.yml}, with the pool size and limits a test needs. */
final class TestOcrProperties {

    private TestOcrProperties() {
    }

    static OcrProperties withThreads(int threads) {
        return new OcrProperties("eng", "", threads, DataSize.ofMegabytes(100), 500, 40_000_000, 300, 16);
    }

    static OcrProperties withDatapath(String datapath) {
        return new OcrProperties("eng", datapath, 1, DataSize.ofMegabytes(100), 500, 40_000_000, 300, 16);
    }

    static OcrProperties withLimits(DataSize maxFileSize, int maxPages, long maxPixels) {
        return new OcrProperties("eng", "", 1, maxFileSize, maxPages, maxPixels, 300, 16);
    }
}

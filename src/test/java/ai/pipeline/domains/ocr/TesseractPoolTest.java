package ai.pipeline.domains.ocr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The pool's promise: never more leases than instances; a returned instance serves the next borrower. */
class TesseractPoolTest {

    @Test
    void aBorrowerWaitsUntilAnInstanceIsReturned() {
        try (TesseractPool pool = new TesseractPool(TestOcrProperties.withThreads(2).tessdata(), 2)) {
            TesseractPool.Lease first = pool.borrow("eng");
            TesseractPool.Lease second = pool.borrow("eng");
            CompletableFuture<TesseractPool.Lease> third = CompletableFuture.supplyAsync(() -> pool.borrow("eng"));

            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !third.isDone());
            first.close();
            await().atMost(Duration.ofSeconds(10)).until(third::isDone);

            second.close();
            third.join().close();
        }
    }

    @Test
    void knowsTheNativeVersionAndTheInstalledLanguages() {
        try (TesseractPool pool = new TesseractPool(TestOcrProperties.withThreads(1).tessdata(), 1)) {
            assertThat(pool.version()).matches("5\\.\\d+\\.\\d+.*");
            assertThat(pool.installedLanguages()).contains("eng", "kor").doesNotContain("osd");
            assertThat(pool.languageData(List.of("eng")).get("eng").toString()).contains("sha256");
        }
    }
}

package ai.pipeline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.reliability.MixedLoad.Shape;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.SharedTestData;
import ai.pipeline.testsupport.TextImages;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.imageio.ImageIO;

/**
 * Pushes {@link MixedLoad} pipelines through {@code POST /api/v1/workflows} at a steady pace from
 * its own thread. Each request carries a request id; one that meets a dead or starting application
 * (connection refused, 503) is sent again with the same id until it is accepted, so a kill never
 * leaves a request both unanswered and half-started.
 */
final class LoadDriver {

    private static final String OCR_WORD = "Reliability";

    final Map<String, Shape> accepted = new ConcurrentHashMap<>();
    final AtomicInteger resent = new AtomicInteger();
    private final Supplier<ApiClient> api;
    private final MixedLoad load;
    private final String prefix;
    private Thread thread;

    /** Uploads the OCR and photo inputs through {@code api} and prepares the mix. */
    LoadDriver(Supplier<ApiClient> api, String prefix) {
        this.api = api;
        this.prefix = prefix;
        try {
            this.load = new MixedLoad(upload(api.get(), "reliability-ocr.png", textImage(OCR_WORD + " 2026")), OCR_WORD,
                    upload(api.get(), "dog.jpg", Files.readAllBytes(SharedTestData.file("testdata/images/dog.jpg"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts submitting pipelines {@code 0..total-1}, pausing up to {@code maxPauseMs} between them. */
    LoadDriver start(int total, int maxPauseMs, long seed) {
        return start(total, Long.MAX_VALUE, maxPauseMs, seed);
    }

    /** Starts submitting pipelines for {@code duration}, pausing up to {@code maxPauseMs} between them. */
    LoadDriver startFor(Duration duration, int maxPauseMs, long seed) {
        return start(Integer.MAX_VALUE, System.nanoTime() + duration.toNanos(), maxPauseMs, seed);
    }

    private LoadDriver start(int total, long deadlineNanos, int maxPauseMs, long seed) {
        Random random = new Random(seed);
        thread = new Thread(() -> {
            for (int i = 0; i < total && System.nanoTime() < deadlineNanos && !Thread.currentThread().isInterrupted(); i++) {
                submit(load.shape(i), prefix + "-" + i);
                pause(random.nextInt(maxPauseMs + 1));
            }
        }, "reliability-load");
        thread.start();
        return this;
    }

    /** Waits for the last submission to be accepted. */
    void awaitSubmitted(long timeoutMs) throws InterruptedException {
        thread.join(timeoutMs);
        assertThat(thread.isAlive()).as("the load driver finished within %d ms", timeoutMs).isFalse();
    }

    void stop() {
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void submit(Shape shape, String requestId) {
        boolean retrying = false;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                ApiClient.Response response = api.get().postJson("/api/v1/workflows", MixedLoad.request(shape, requestId));
                if (response.status() == 202) {
                    accepted.put(requestId, shape);
                    return;
                }
                if (response.status() != 503) {
                    throw new AssertionError("request " + requestId + " answered " + response.status() + ": " + response.body());
                }
            } catch (UncheckedIOException killedOrStarting) {
                // the application is down or restarting: the same request goes again
            }
            if (!retrying) {
                resent.incrementAndGet();
                retrying = true;
            }
            pause(200);
        }
    }

    /** Pipelines in {@code status} (PENDING, RUNNING, ...) that the history counts. */
    static long count(ApiClient api, String status) {
        return api.get("/api/v1/pipelines/history?size=1&status=" + status).json().path("data").path("total").asLong();
    }

    private static String upload(ApiClient api, String name, byte[] content) {
        ApiClient.Response response = api.postFile("/api/v1/files", name, content);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().path("data").path("path").asString();
    }

    /** A small, clean line of text: OCR reads it in a fraction of a second. */
    private static byte[] textImage(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(TextImages.render(List.of(text), new Font(Font.SANS_SERIF, Font.PLAIN, 40)), "png", out);
        return out.toByteArray();
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

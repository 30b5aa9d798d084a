package ai.pipeline.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.orchestration.engine.Topics;
import ai.pipeline.reliability.MixedLoad.Shape;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppProcess;
import ai.pipeline.testsupport.SharedTestData;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 9, point 1: {@value #DEFAULT_PIPELINES} mixed pipelines while the application is killed
 * with SIGKILL {@value #DEFAULT_KILLS} times at random moments and restarted each time on the same
 * data directory (embedded broker and H2). Submissions carry request ids, so a request cut off by a
 * kill is sent again after the restart and maps to the same run. At the end every pipeline must be
 * terminal with the expected outcome and the {@link ExactlyOnceAudit} rules must hold.
 * Sizes: {@code -Dsoak.pipelines=}, {@code -Dsoak.kills=}, {@code -Dsoak.seed=}.
 */
@Tag("reliability")
class SigkillSoakIT {

    private static final int DEFAULT_PIPELINES = 2000;
    private static final int DEFAULT_KILLS = 3;
    private static final String OCR_WORD = "Reliability";

    @TempDir
    Path dataDir;

    @Test
    void everyPipelineEndsOnceThroughThreeSigkills() throws Exception {
        int total = Integer.getInteger("soak.pipelines", DEFAULT_PIPELINES);
        int kills = Integer.getInteger("soak.kills", DEFAULT_KILLS);
        long seed = Long.getLong("soak.seed", System.nanoTime());
        System.out.printf("soak: %d pipelines, %d kills, seed %d (-Dsoak.seed=%d repeats the kill moments)%n", total, kills, seed, seed);
        Random random = new Random(seed);
        Instant begin = Instant.now();

        AtomicReference<AppProcess> app = new AtomicReference<>(new AppProcess(dataDir, Map.of()).start());
        AtomicReference<ApiClient> client = new AtomicReference<>(app.get().api());
        MixedLoad load = new MixedLoad(upload(app.get().api(), "soak-ocr.png", textImage(OCR_WORD + " 2026")),
                OCR_WORD, upload(app.get().api(), "dog.jpg", Files.readAllBytes(SharedTestData.file("testdata/images/dog.jpg"))));
        Map<String, Shape> accepted = new ConcurrentHashMap<>();
        AtomicInteger resent = new AtomicInteger();
        Thread submitter = new Thread(() -> submitAll(client, load, total, accepted, resent, new Random(seed + 1)), "soak-submitter");
        submitter.start();

        List<String> killLog = new ArrayList<>();
        try {
            for (int k = 1; k <= kills; k++) {
                long waitMs = 3_000 + random.nextInt(15_000);
                Thread.sleep(waitMs);
                AppProcess victim = app.get();
                victim.kill();
                Instant killed = Instant.now();
                int acceptedBefore = accepted.size();
                app.set(new AppProcess(dataDir, Map.of()).start());
                killLog.add("kill %d at %d s (%d ms after the last start) with %d accepted; ready again after %d ms".formatted(
                        k, Duration.between(begin, killed).toSeconds(), waitMs, acceptedBefore,
                        Duration.between(killed, Instant.now()).toMillis()));
                client.set(app.get().api());
            }
            submitter.join(Duration.ofMinutes(10).toMillis());
            assertThat(submitter.isAlive()).as("the submitter finished").isFalse();
            assertThat(accepted).hasSize(total);

            ApiClient api = app.get().api();
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                long open = count(api, "PENDING") + count(api, "RUNNING");
                System.out.printf("soak: %d s: %d pipelines not finished%n", Duration.between(begin, Instant.now()).toSeconds(), open);
                return open == 0;
            });
            Duration drained = Duration.between(begin, Instant.now());

            String bootstrap = app.get().kafkaBootstrapServers();
            List<JsonNode> events = TopicLog.readAll(bootstrap, Topics.EVENTS);
            List<JsonNode> reports = TopicLog.readAll(bootstrap, Topics.RESULTS);
            app.get().stop();

            ExactlyOnceAudit audit;
            try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + dataDir.resolve("db/pipeline").toAbsolutePath()
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "")) {
                audit = ExactlyOnceAudit.check(db, accepted, events, reports);
            }
            killLog.forEach(line -> System.out.println("soak: " + line));
            System.out.printf("soak: all terminal %d s after the first submission; %d requests re-sent after a kill; %s%n",
                    drained.toSeconds(), resent.get(), audit);
            assertThat(audit.violations).as(audit.toString()).isEmpty();
            assertThat(audit.pipelines).isEqualTo(total);
        } finally {
            submitter.interrupt();
            app.get().kill();
        }
    }

    /**
     * Starts pipelines {@code 0..total-1} at a steady pace; a request that meets a dead or starting
     * application (connection refused, 503) is sent again, same request id, until it is accepted.
     */
    private static void submitAll(AtomicReference<ApiClient> client, MixedLoad load, int total, Map<String, Shape> accepted,
                                  AtomicInteger resent, Random random) {
        for (int i = 0; i < total && !Thread.currentThread().isInterrupted(); i++) {
            Shape shape = load.shape(i);
            String requestId = "soak-" + i;
            boolean retrying = false;
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    ApiClient.Response response = client.get().postJson("/api/v1/workflows", MixedLoad.request(shape, requestId));
                    if (response.status() == 202) {
                        accepted.put(requestId, shape);
                        break;
                    }
                    if (response.status() != 503) {
                        throw new AssertionError("request " + requestId + " answered " + response.status() + ": " + response.body());
                    }
                } catch (UncheckedIOException killedOrStarting) {
                    // the application is down or restarting: send the same request again
                }
                if (!retrying) {
                    resent.incrementAndGet();
                    retrying = true;
                }
                pause(200);
            }
            pause(random.nextInt(40));
        }
    }

    private static long count(ApiClient api, String status) {
        return api.get("/api/v1/pipelines/history?size=1&status=" + status).json().path("data").path("total").asLong();
    }

    private static String upload(ApiClient api, String name, byte[] content) {
        ApiClient.Response response = api.postFile("/api/v1/files", name, content);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json().path("data").path("path").asString();
    }

    /** A small, clean line of text: OCR reads it in a fraction of a second. */
    private static byte[] textImage(String text) throws Exception {
        BufferedImage image = new BufferedImage(520, 90, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(Color.BLACK);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 40));
        g.drawString(text, 20, 60);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
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

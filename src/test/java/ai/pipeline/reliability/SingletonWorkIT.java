package ai.pipeline.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.testsupport.AppProcess;
import ai.pipeline.testsupport.ClusterInfrastructure;
import ai.pipeline.testsupport.SharedTestData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 17, point 1: singleton work is elected. Two full instances on one machine share one inbox
 * (and storage), a Kafka broker process and PostgreSQL; only the holder of the orchestrator lease
 * watches the inbox, so every dropped file runs once. The holder is SIGKILLed: the other takes the
 * lease, and with it the drop folder, within 15 s; files dropped after that run once too.
 */
@Tag("reliability")
class SingletonWorkIT {

    private static final String TOOK_LEASE = "holds the orchestrator lease";
    private static final int FILES_PER_ROUND = 6;

    @TempDir
    Path dir;

    @Test
    void droppedFilesRunOnceAndTheStandbyTakesOverTheDropFolder() throws Exception {
        try (ClusterInfrastructure infrastructure = ClusterInfrastructure.start(dir)) {
            Map<String, String> shared = infrastructure.environment("APP_INBOX_POLL_INTERVAL", "200ms");
            // one inbox and one storage for both, as a shared volume would be
            Path inbox = Files.createDirectories(dir.resolve("shared/inbox"));
            Path storage = Files.createDirectories(dir.resolve("shared/storage"));
            for (String app : List.of("app1", "app2")) {
                Path data = Files.createDirectories(dir.resolve(app));
                Files.createSymbolicLink(data.resolve("inbox"), inbox);
                Files.createSymbolicLink(data.resolve("storage"), storage);
            }
            AppProcess app1 = new AppProcess(dir.resolve("app1"), new HashMap<>(shared));
            AppProcess app2 = new AppProcess(dir.resolve("app2"), new HashMap<>(shared));
            try {
                app1.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> log("app1").contains(TOOK_LEASE));
                app2.start();

                drop(inbox, 0);
                awaitRuns(app2, FILES_PER_ROUND);

                app1.kill();
                Instant killed = Instant.now();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> log("app2").contains(TOOK_LEASE));
                Duration takeover = Duration.between(killed, Instant.now());
                System.out.printf("singleton work: app2 took the lease %d ms after app1 was killed%n", takeover.toMillis());
                assertThat(takeover).as("standby takes over the singleton work").isLessThanOrEqualTo(Duration.ofSeconds(15));

                drop(inbox, FILES_PER_ROUND);
                awaitRuns(app2, 2 * FILES_PER_ROUND);

                Path done = inbox.resolve("parallel/.done");
                try (Stream<Path> files = Files.list(done)) {
                    assertThat(files.filter(f -> f.toString().endsWith(".png")).count())
                            .as("files taken: each once, none left, none failed").isEqualTo(2 * FILES_PER_ROUND);
                }
                assertThat(inbox.resolve("parallel/.failed")).doesNotExist();
                try (Stream<Path> left = Files.list(inbox.resolve("parallel"))) {
                    assertThat(left.filter(Files::isRegularFile).toList()).isEmpty();
                }
                // a little later still: nothing ran twice
                Thread.sleep(2000);
                assertThat(runs(app2).path("total").asInt()).isEqualTo(2 * FILES_PER_ROUND);
            } finally {
                app1.kill();
                app2.kill();
                ReliabilityLogs.keep(getClass().getSimpleName(), dir.resolve("app1/app.log"), dir.resolve("app2/app.log"),
                        dir.resolve("kafka/broker.log"));
            }
        }
    }

    /** Distinct images (one pixel differs), so no drop is taken for a duplicate of another. */
    private static void drop(Path inbox, int first) throws IOException {
        BufferedImage photo = ImageIO.read(SharedTestData.file("testdata/images/dog.jpg").toFile());
        Path folder = Files.createDirectories(inbox.resolve("parallel"));
        for (int i = first; i < first + FILES_PER_ROUND; i++) {
            photo.setRGB(0, 0, 0x010101 * (i + 1));
            Path part = folder.resolve("photo-" + i + ".png.part");
            ImageIO.write(photo, "png", part.toFile());
            Files.move(part, folder.resolve("photo-" + i + ".png"));
        }
    }

    private static void awaitRuns(AppProcess app, int expected) {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> {
            JsonNode page = runs(app);
            int done = 0;
            for (JsonNode run : page.path("items")) {
                done += run.path("status").asString().equals("SUCCESS") ? 1 : 0;
            }
            return page.path("total").asInt() >= expected && done >= expected;
        });
    }

    private static JsonNode runs(AppProcess app) {
        return app.api().get("/api/v1/pipelines/history?pipeline=parallel&size=100").json().path("data");
    }

    private String log(String app) throws IOException {
        Path log = dir.resolve(app).resolve("app.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }
}

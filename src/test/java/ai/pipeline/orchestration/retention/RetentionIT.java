package ai.pipeline.orchestration.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.orchestration.engine.ClaimChecks;
import ai.pipeline.platform.DataDirectory;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.Pipelines;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The retention job on the real application, with periods short enough to watch: finished runs go
 * once their retention ran out, unfinished ones never; old uploads, outbox and drop-folder files go,
 * newer ones stay; old stored results of runs never recorded go; what it purged is counted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "app.data-dir=target/test-data/${random.uuid}",
        "app.retention.runs=2s",
        "app.retention.uploads=1d",
        "app.retention.outbox=1d",
        "app.retention.inbox=1d",
        "app.retention.interval=300ms"})
class RetentionIT {

    private static final Duration OLD = Duration.ofDays(2);

    @LocalServerPort
    int port;

    @Autowired
    Storage storage;

    @Autowired
    DataDirectory dataDirectory;

    @Autowired
    MeterRegistry meters;

    private static Path file(Path path, Duration age) throws IOException {
        Files.createDirectories(path.getParent());
        Files.writeString(path, "x");
        Files.setLastModifiedTime(path, FileTime.from(Instant.now().minus(age)));
        return path;
    }

    /** A run's folder of stored results, holding one file, both last changed {@code age} ago. */
    private Path claims(String chainId, Duration age) throws IOException {
        Path folder = storage.root().resolve(ClaimChecks.folderOf(chainId));
        file(folder.resolve("task-1.json"), age);
        Files.setLastModifiedTime(folder, FileTime.from(Instant.now().minus(age)));
        return folder;
    }

    private double purged(String what) {
        return meters.get("ai.retention.purged").tag("what", what).counter().count();
    }

    @Test
    void finishedRunsAndOldFilesArePurgedAndEverythingElseStays() throws IOException {
        ApiClient api = new ApiClient(port);
        Pipelines pipelines = new Pipelines(api);
        String finished = pipelines.run("{\"task\": \"core.echo\"}", "{\"n\": 1}");
        assertThat(pipelines.awaitEnd(finished).path("status").asString()).isEqualTo("SUCCESS");
        String sleeping = pipelines.run("{\"task\": \"core.sleep\", \"args\": {\"ms\": 8000}}", "{}");
        List<Path> old = List.of(
                file(storage.root().resolve("uploads/2026-01-01/old.pdf"), OLD),
                file(storage.root().resolve("drop-folder/0123abcd.png"), OLD),
                file(dataDirectory.outbox().resolve("11111111-1111-1111-1111-111111111111.json"), OLD),
                file(dataDirectory.inbox().resolve("document/.failed/bad.txt"), OLD),
                file(dataDirectory.inbox().resolve("document/.failed/bad.txt.error.txt"), OLD),
                file(dataDirectory.inbox().resolve("document/.done/contract.pdf"), OLD));
        List<Path> fresh = List.of(
                file(storage.root().resolve("uploads/" + LocalDate.now() + "/fresh.pdf"), Duration.ZERO),
                file(dataDirectory.outbox().resolve("22222222-2222-2222-2222-222222222222.json"), Duration.ofHours(1)),
                file(dataDirectory.inbox().resolve("document/.done/recent.pdf"), Duration.ofHours(23)));

        // stored results (ClaimChecks) of a run never recorded go a day after their last change; a run's own stay with it
        Path orphanClaims = claims("33333333-3333-3333-3333-333333333333", OLD);
        Path sleepingClaims = claims(sleeping, OLD);

        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/pipelines/" + finished).status() == 404);
        await().atMost(Duration.ofSeconds(10)).until(() -> old.stream().noneMatch(Files::exists));
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(orphanClaims));
        assertThat(sleepingClaims).as("the stored results of a run that is still recorded").isDirectory();
        assertThat(purged("orphan-claims")).isEqualTo(1);

        assertThat(api.get("/api/v1/pipelines/" + sleeping).status()).as("a run that has not ended is never purged").isEqualTo(200);
        assertThat(fresh).allMatch(Files::isRegularFile);
        assertThat(purged("runs")).isGreaterThanOrEqualTo(1);
        assertThat(purged("uploads")).isGreaterThanOrEqualTo(2);
        assertThat(purged("outbox")).isGreaterThanOrEqualTo(1);
        assertThat(purged("inbox")).isGreaterThanOrEqualTo(3);
        String prometheus = api.get("/actuator/prometheus").body();
        assertThat(prometheus.lines()).anyMatch(line -> line.startsWith("ai_retention_purged_total{") && line.contains("what=\"runs\""));

        // once it ends, its retention runs out too
        assertThat(pipelines.awaitEnd(sleeping).path("status").asString()).isEqualTo("SUCCESS");
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/pipelines/" + sleeping).status() == 404);
    }
}

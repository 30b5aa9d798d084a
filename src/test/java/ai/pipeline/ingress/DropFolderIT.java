package ai.pipeline.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.orchestration.engine.Topics;
import ai.pipeline.orchestration.pipelines.TestInputs;
import ai.pipeline.platform.DataDirectory;
import ai.pipeline.platform.KafkaConnection;
import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import ai.pipeline.testsupport.Pipelines;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The drop folder on the running application: files in {@code inbox/<pipeline>/} start that pipeline
 * and move to {@code .done/}; refused files move to {@code .failed/} with an error file; results
 * land in the outbox; nothing is ever deleted or overwritten. Uses {@code document} on one-line
 * images (OCR of a line takes well under a second).
 */
@AppTest
class DropFolderIT {

    private static final Duration RUN = Duration.ofSeconds(60);

    @LocalServerPort
    int port;

    @Autowired
    DataDirectory dataDirectory;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    KafkaConnection kafka;

    @Autowired
    JsonMapper json;

    @TempDir
    Path tmp;

    Pipelines pipelines;
    Path documents;

    @BeforeEach
    void setUp() {
        pipelines = new Pipelines(new ApiClient(port));
        documents = dataDirectory.inbox().resolve("document");
    }

    /** A one-line image whose text (and so content hash) is new to this run. */
    private Path uniqueImage(String name, String word) {
        return TestInputs.textPng(tmp.resolve(name), "The " + word + " report number " + UUID.randomUUID().toString().substring(0, 8));
    }

    private String chainOf(Path content, String pipeline) throws Exception {
        String requestId = "drop-folder:" + pipeline + ":" + DropFolder.sha256(content);
        return await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForList(
                "SELECT chain_id FROM pipeline_execution WHERE request_id = ?", String.class, requestId), ids -> !ids.isEmpty()).get(0);
    }

    @Test
    void severalFilesDroppedAtOnceAllRunMoveToDoneAndLeaveTheirResultsInTheOutbox() throws Exception {
        List<Path> images = List.of(uniqueImage("a.png", "harvest"), uniqueImage("b.png", "weather"), uniqueImage("c.png", "market"));
        List<String> names = new ArrayList<>();
        for (Path image : images) {
            String name = UUID.randomUUID() + "-" + image.getFileName();
            names.add(name);
            Files.move(image, tmp.resolve(name));
        }
        for (String name : names) {
            Files.move(tmp.resolve(name), documents.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        }

        for (String name : names) {
            Path done = documents.resolve(".done").resolve(name);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(done));
            String chainId = chainOf(done, "document");
            JsonNode run = pipelines.awaitEnd(chainId, RUN);
            assertThat(run.path("status").asString()).as(run.toString()).isEqualTo("SUCCESS");
            assertThat(run.path("source").asString()).isEqualTo("drop-folder");
            assertThat(run.path("result").path("summary").asString()).contains("report number");
            Path outbox = dataDirectory.outbox().resolve(chainId + ".json");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(outbox));
            JsonNode written = json.readTree(Files.readString(outbox));
            assertThat(written.path("chain_id").asString()).isEqualTo(chainId);
            assertThat(written.path("input").path("file_name").asString()).isEqualTo(name);
            assertThat(written.path("result").path("summary").asString()).contains("report number");
        }
        // the outbox commits its offsets once a poll's events are handled: a restart reads only what came after
        await().atMost(Duration.ofSeconds(30)).until(this::outboxReadEveryEvent);
    }

    /** Whether the outbox's consumer group has committed every partition of the events topic up to its end. */
    private boolean outboxReadEveryEvent() throws Exception {
        Admin admin = kafka.admin();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("ingress-outbox")
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        admin.describeTopics(List.of(Topics.EVENTS)).allTopicNames().get(10, TimeUnit.SECONDS).get(Topics.EVENTS).partitions()
                .forEach(partition -> ends.put(new TopicPartition(Topics.EVENTS, partition.partition()), OffsetSpec.latest()));
        return admin.listOffsets(ends).all().get(10, TimeUnit.SECONDS).entrySet().stream().allMatch(end ->
                committed.containsKey(end.getKey()) ? committed.get(end.getKey()).offset() >= end.getValue().offset() : end.getValue().offset() == 0);
    }

    @Test
    void aFileStillBeingWrittenIsLeftAloneUntilItIsComplete() throws Exception {
        byte[] content = Files.readAllBytes(uniqueImage("slow.png", "harbour"));
        Path target = documents.resolve("slow-" + UUID.randomUUID() + ".png");
        Path done = documents.resolve(".done").resolve(target.getFileName());
        int chunks = 8;
        int chunk = content.length / chunks + 1;
        AtomicInteger written = new AtomicInteger();
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        try (OutputStream out = Files.newOutputStream(target)) {
            // a slow writer: one chunk every 300 ms, so the file keeps changing for 2.4 s (min-age is 1 s)
            ScheduledFuture<?> writing = writer.scheduleAtFixedRate(() -> {
                int i = written.getAndIncrement();
                if (i < chunks) {
                    try {
                        out.write(content, i * chunk, Math.min(chunk, content.length - i * chunk));
                        out.flush();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, 0, 300, TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> written.get() >= chunks);
            writing.cancel(false);
            assertThat(done).as("taken while still being written").doesNotExist();
            assertThat(target).exists();
        } finally {
            writer.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(done));
        assertThat(Files.readAllBytes(done)).isEqualTo(content);
        JsonNode run = pipelines.awaitEnd(chainOf(done, "document"), RUN);
        assertThat(run.path("status").asString()).as(run.toString()).isEqualTo("SUCCESS");
    }

    @Test
    void theSameContentDroppedAgainMapsToTheFirstRunAndIsKeptWithANote() throws Exception {
        Path image = uniqueImage("first.png", "garden");
        String first = "first-" + UUID.randomUUID() + ".png";
        String again = "again-" + UUID.randomUUID() + ".png";
        Files.copy(image, documents.resolve(first));
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(documents.resolve(".done").resolve(first)));
        String chainId = chainOf(image, "document");

        Files.copy(image, documents.resolve(again));
        Path note = documents.resolve(".done").resolve(again + ".note.txt");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(note));
        assertThat(documents.resolve(".done").resolve(again)).exists();
        assertThat(Files.readString(note)).contains(chainId, "same content");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM pipeline_execution WHERE request_id = ?", Integer.class,
                "drop-folder:document:" + DropFolder.sha256(image))).isEqualTo(1);
        assertThat(pipelines.awaitEnd(chainId, RUN).path("status").asString()).isEqualTo("SUCCESS");
    }

    @Test
    void filesThatCannotStartAPipelineMoveToFailedWithTheReasonAndNoneIsOverwritten() throws Exception {
        Path unknownFolder = dataDirectory.inbox().resolve("no-such-pipeline");
        Files.createDirectories(unknownFolder);
        String unknown = "x-" + UUID.randomUUID() + ".png";
        Files.copy(uniqueImage("x.png", "river"), unknownFolder.resolve(unknown));
        Path images = dataDirectory.inbox().resolve("image-analysis");
        String notes = "notes-" + UUID.randomUUID() + ".txt";
        Files.writeString(images.resolve(notes), "not an image");
        String loose = "loose-" + UUID.randomUUID() + ".png";
        Files.copy(uniqueImage("loose.png", "forest"), dataDirectory.inbox().resolve(loose));

        String link = "link-" + UUID.randomUUID() + ".png";
        Files.createSymbolicLink(documents.resolve(link), uniqueImage("target.png", "meadow"));

        assertRefused(unknownFolder, unknown, "no pipeline named 'no-such-pipeline'");
        assertRefused(documents, link, "symbolic links are not taken");
        assertRefused(images, notes, "unsupported_format: image-analysis takes an image");
        assertRefused(dataDirectory.inbox(), loose, "into the folder of a pipeline");

        // the same name refused again is kept beside the first, numbered
        Files.writeString(images.resolve(notes), "still not an image");
        String second = notes.replace(".txt", "-2.txt");
        assertRefused(images, second, "unsupported_format");
        assertThat(Files.readString(images.resolve(".failed").resolve(notes))).isEqualTo("not an image");
        assertThat(Files.readString(images.resolve(".failed").resolve(second))).isEqualTo("still not an image");
    }

    private static void assertRefused(Path folder, String name, String reason) throws Exception {
        Path failed = folder.resolve(".failed").resolve(name);
        Path error = folder.resolve(".failed").resolve(name + ".error.txt");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(failed) && Files.exists(error));
        assertThat(Files.readString(error)).contains(reason);
        String[] left = folder.toFile().list((dir, file) -> !file.startsWith("."));
        assertThat(left == null ? List.of() : Arrays.asList(left)).doesNotContain(name);
    }
}

package ai.pipeline.orchestration.retention;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.orchestration.store.FinishedRuns;
import ai.pipeline.shared.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class RunOutputsTest {

    @TempDir
    Path tmp;

    Storage storage;
    RunOutputs outputs;

    @BeforeEach
    void storage() {
        storage = new Storage(tmp.resolve("storage"), 1_000_000);
        outputs = new RunOutputs(storage, JsonMapper.builder().build());
    }

    private Path file(String path) throws IOException {
        Path file = storage.root().resolve(path);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, "x");
    }

    @Test
    void theFilesARunWroteAreThoseItsResultsNameInTheOutputFolders() throws IOException {
        Path normalized = file("normalized/2026-12-01/a.png");
        Path result = file("results/2026-12-01/chain.json");
        Path annotated = file("annotated/2026-12-01/b.png");
        file("uploads/2026-12-01/input.png");
        FinishedRuns.Payloads payloads = new FinishedRuns.Payloads("{\"image_path\": \"uploads/2026-12-01/input.png\"}", List.of(
                "{\"source\": {\"path\": \"uploads/2026-12-01/input.png\"}, \"image_path\": \"normalized/2026-12-01/a.png\"}",
                "{\"result_path\": \"results/2026-12-01/chain.json\", \"items\": [{\"annotated_path\": \"annotated/2026-12-01/b.png\"}]}"),
                Instant.now());

        assertThat(outputs.of(payloads)).containsExactly(normalized.toRealPath(), result.toRealPath(), annotated.toRealPath());
    }

    @Test
    void filesTheRunWasGivenMissingFilesAndPathsLeadingOutAreNotItsOwn() throws IOException {
        file("normalized/2026-12-01/given.png");
        Path outside = Files.writeString(tmp.resolve("secret.txt"), "keep");
        Files.createDirectories(storage.root().resolve("results"));
        Files.createSymbolicLink(storage.root().resolve("results/link.txt"), outside);
        Files.createDirectories(storage.root().resolve("normalized/dir"));
        FinishedRuns.Payloads payloads = new FinishedRuns.Payloads("{\"image_path\": \"normalized/2026-12-01/given.png\"}", List.of(
                "{\"image_path\": \"normalized/2026-12-01/given.png\", \"gone\": \"normalized/2026-12-01/missing.png\"}",
                "{\"a\": \"results/../../secret.txt\", \"b\": \"results/link.txt\", \"c\": \"normalized/dir\"}",
                "{\"d\": \"/etc/passwd\", \"e\": \"uploads/x.png\", \"f\": 3}", "not json"), Instant.now());

        assertThat(outputs.of(payloads)).isEmpty();
        assertThat(outputs.delete(payloads)).isZero();
        assertThat(outside).hasContent("keep");
    }

    @Test
    void deletingRemovesTheFilesAndCountsThem() throws IOException {
        Path normalized = file("normalized/2026-12-01/a.png");
        FinishedRuns.Payloads payloads = new FinishedRuns.Payloads(null, List.of("{\"image_path\": \"normalized/2026-12-01/a.png\"}"), Instant.now());

        assertThat(outputs.delete(payloads)).isEqualTo(1);
        assertThat(normalized).doesNotExist();
        assertThat(outputs.delete(payloads)).isZero();
    }
}

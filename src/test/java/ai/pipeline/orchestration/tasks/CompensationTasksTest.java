package ai.pipeline.orchestration.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.list;

import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.TaskFailure;
import ai.pipeline.testsupport.TestTaskContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompensationTasksTest {

    @TempDir
    Path tmp;

    Storage storage;

    @BeforeEach
    void storage() {
        storage = new Storage(tmp.resolve("storage"), 1_000_000);
    }

    private Path file(String path) throws IOException {
        Path file = storage.root().resolve(path);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, "x");
    }

    @Test
    void removesTheListedOutputFilesAndSkipsEverythingElseWithoutFollowingLinksOut() throws IOException {
        Path normalized = file("normalized/2026-12-05/a.png");
        Path result = file("results/2026-12-05/chain.json");
        Path upload = file("uploads/2026-12-05/input.png");
        Path outside = Files.writeString(tmp.resolve("secret.txt"), "keep");
        Files.createSymbolicLink(storage.root().resolve("results/link.txt"), outside);
        List<String> files = List.of("normalized/2026-12-05/a.png", "results/2026-12-05/chain.json", "uploads/2026-12-05/input.png",
                "results/link.txt", "results/../../secret.txt", "normalized/gone.png");

        Map<String, Object> answer = CompensationTasks.removeRunFiles(storage, new TestTaskContext(Map.of(), Map.of("files", files)), null);

        assertThat(answer).containsEntry("removed", 2);
        assertThat(answer.get("skipped")).asInstanceOf(list(String.class)).containsExactlyInAnyOrder(
                "uploads/2026-12-05/input.png", "results/link.txt",
                "results/../../secret.txt", "normalized/gone.png");
        assertThat(normalized).doesNotExist();
        assertThat(result).doesNotExist();
        assertThat(upload).exists();
        assertThat(outside).hasContent("keep");
        assertThat(CompensationTasks.removeRunFiles(storage, new TestTaskContext(Map.of(), Map.of("files", files)), null))
                .as("running it again is harmless").containsEntry("removed", 0);
    }

    @Test
    void anInputWithoutAListOfFilesIsBadInput() {
        assertThatThrownBy(() -> CompensationTasks.removeRunFiles(storage, new TestTaskContext(Map.of(), Map.of("x", 1)), null))
                .isInstanceOfSatisfying(TaskFailure.class, e -> assertThat(e.reason()).isEqualTo(TaskFailure.Reason.INVALID_INPUT))
                .hasMessageContaining("'files'");
    }
}

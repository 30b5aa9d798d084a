package ai.pipeline.shared.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.shared.task.TaskFailure;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageTest {

    @TempDir
    Path tmp;

    @Test
    void resolvesRelativeAndAbsolutePathsInsideTheRoot() throws Exception {
        Storage storage = new Storage(tmp.resolve("storage"), 1000);
        Path file = Files.writeString(storage.root().resolve("a.txt"), "x");
        assertThat(storage.resolve("a.txt")).isEqualTo(file);
        assertThat(storage.resolve(file.toString())).isEqualTo(file);
    }

    @Test
    void refusesPathsThatLeaveTheRoot() throws Exception {
        Storage storage = new Storage(tmp.resolve("storage"), 1000);
        Path outside = Files.writeString(tmp.resolve("secret.txt"), "x");
        Files.createSymbolicLink(storage.root().resolve("link.txt"), outside);

        assertThatThrownBy(() -> storage.resolve("../secret.txt")).isInstanceOf(TaskFailure.class)
                .hasMessageContaining("outside the storage root");
        assertThatThrownBy(() -> storage.resolve(outside.toString())).isInstanceOf(TaskFailure.class)
                .hasMessageContaining("outside the storage root");
        assertThatThrownBy(() -> storage.resolve("link.txt")).isInstanceOf(TaskFailure.class)
                .hasMessageContaining("leads outside");
        assertThatThrownBy(() -> storage.resolve("missing.png"))
                .isInstanceOfSatisfying(TaskFailure.class, e -> assertThat(e.reason()).isEqualTo(TaskFailure.Reason.NOT_FOUND));
    }

    @Test
    void storesUploadsUnderTheRootAndRefusesOversizedOnesWithoutLeavingAFile() {
        Storage storage = new Storage(tmp.resolve("storage"), 10);
        Path stored = storage.store(new ByteArrayInputStream(new byte[10]), "../../etc/My Scan.PNG");
        assertThat(stored).startsWith(storage.root()).isRegularFile();
        assertThat(stored.getFileName().toString()).endsWith("-My_Scan.PNG");
        assertThat(storage.resolve(storage.relativize(stored))).isEqualTo(stored);

        assertThatThrownBy(() -> storage.store(new ByteArrayInputStream(new byte[11]), "big.png"))
                .isInstanceOfSatisfying(TaskFailure.class, e -> assertThat(e.reason()).isEqualTo(TaskFailure.Reason.TOO_LARGE));
        try (var files = Files.walk(storage.root())) {
            assertThat(files.filter(Files::isRegularFile)).containsExactly(stored);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}

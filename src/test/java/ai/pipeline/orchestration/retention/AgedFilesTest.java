package ai.pipeline.orchestration.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgedFilesTest {

    @TempDir
    Path tmp;

    private static Path file(Path path, Duration age) throws IOException {
        Files.createDirectories(path.getParent());
        Files.writeString(path, "x");
        Files.setLastModifiedTime(path, FileTime.from(Instant.now().minus(age)));
        return path;
    }

    @Test
    void filesOlderThanTheCutoffGoAndNewerOnesStay() throws IOException {
        Path folder = tmp.resolve("uploads");
        Path old = file(folder.resolve("2026-01-01/old.pdf"), Duration.ofDays(40));
        Path fresh = file(folder.resolve("2026-12-01/fresh.pdf"), Duration.ofDays(1));
        Path oldTopLevel = file(folder.resolve("old.json"), Duration.ofDays(31));

        int deleted = AgedFiles.purge(folder, Instant.now().minus(Duration.ofDays(30)));

        assertThat(deleted).isEqualTo(2);
        assertThat(old).doesNotExist();
        assertThat(oldTopLevel).doesNotExist();
        assertThat(fresh).isRegularFile();
        assertThat(folder).isDirectory();
    }

    @Test
    void emptySubfoldersGoOnceTheyHaveBeenEmptyForAWhile() throws IOException {
        Path folder = tmp.resolve("uploads");
        Path longEmpty = Files.createDirectories(folder.resolve("2026-01-01"));
        Files.setLastModifiedTime(longEmpty, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        Path justMade = Files.createDirectories(folder.resolve("2026-12-05"));

        AgedFiles.purge(folder, Instant.now().minus(Duration.ofDays(30)));

        assertThat(longEmpty).doesNotExist();
        assertThat(justMade).as("may be about to receive a file").isDirectory();
    }

    @Test
    void linksAreDeletedNeverFollowed() throws IOException {
        Path outside = file(tmp.resolve("elsewhere/keep.txt"), Duration.ofDays(100));
        Path folder = Files.createDirectories(tmp.resolve("outbox"));
        Path link = Files.createSymbolicLink(folder.resolve("link"), outside.getParent());
        Files.setLastModifiedTime(folder, FileTime.from(Instant.now()));

        int deleted = AgedFiles.purge(folder, Instant.now().plusSeconds(60));

        assertThat(deleted).isEqualTo(1);
        assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(outside).hasContent("x");
    }

    @Test
    void aMissingFolderIsNothingToDo() {
        assertThat(AgedFiles.purge(tmp.resolve("none"), Instant.now())).isZero();
    }
}

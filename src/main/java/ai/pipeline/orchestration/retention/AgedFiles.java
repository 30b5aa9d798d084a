package ai.pipeline.orchestration.retention;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Deletes the files under a folder last modified before a cutoff, and its subfolders that have been
 * empty for a while (not one just made for a file about to be written); the folder itself stays. Links are never followed (a link is deleted, never what it names),
 * so nothing outside the folder is touched.
 */
final class AgedFiles {

    /** An empty subfolder this old is nobody's: one made for a file gets it within milliseconds. */
    private static final Duration EMPTY_FOLDER_GRACE = Duration.ofMinutes(10);

    private AgedFiles() {
    }

    /** Returns how many files it deleted. */
    static int purge(Path folder, Instant cutoff) {
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(folder)) {
            entries = walk.filter(path -> !path.equals(folder)).sorted(Comparator.reverseOrder()).toList();   // children first
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
        Instant emptySince = Instant.now().minus(EMPTY_FOLDER_GRACE);
        int deleted = 0;
        for (Path path : entries) {
            try {
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    if (isEmpty(path) && olderThan(path, emptySince)) {
                        Files.delete(path);
                    }
                } else if (olderThan(path, cutoff)) {
                    Files.delete(path);
                    deleted++;
                }
            } catch (NoSuchFileException gone) {
                // removed meanwhile (a run's deletion, an operator)
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + path, e);
            }
        }
        return deleted;
    }

    private static boolean olderThan(Path path, Instant cutoff) throws IOException {
        return Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(cutoff);
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.findAny().isEmpty();
        }
    }
}

package ai.pipeline.shared.storage;

import ai.pipeline.shared.task.TaskFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The files a run wrote: the storage paths its results name under the folders tasks write to
 * ({@code normalized/} page images, {@code results/} the AI pipeline's results, {@code annotated/}
 * detection pictures), except those its input names (a run given another run's output did not write
 * it). Inputs (uploads, dropped files) are never a run's own: re-runs and other runs may share them.
 * Used to delete a finished run and by the on-failure compensation task; every file is confined to
 * an output folder, also after following links.
 */
public final class RunFiles {

    /** The storage folders tasks write into (MediaService, PipelineTasks, VisionTasks). */
    public static final List<String> OUTPUT_FOLDERS = List.of("normalized", "results", "annotated");

    private RunFiles() {
    }

    /** The paths under the output folders that {@code results} name and {@code input} does not, in order (nulls skipped). */
    public static List<String> written(JsonNode input, Iterable<JsonNode> results) {
        Set<String> given = new HashSet<>();
        strings(input, given);
        Set<String> named = new LinkedHashSet<>();
        results.forEach(result -> strings(result, named));
        return named.stream().filter(path -> !given.contains(path) && inOutputFolder(path)).toList();
    }

    /** The existing files among {@code paths}, each confined to its output folder in storage. */
    public static List<Path> existing(Storage storage, Collection<String> paths) {
        List<Path> files = new ArrayList<>();
        for (String path : paths) {
            if (inOutputFolder(path)) {
                confined(storage, path).ifPresent(files::add);
            }
        }
        return files;
    }

    /** Deletes the existing files among {@code paths} that are confined to an output folder; returns how many. */
    public static int delete(Storage storage, Collection<String> paths) {
        int deleted = 0;
        for (Path file : existing(storage, paths)) {
            try {
                deleted += Files.deleteIfExists(file) ? 1 : 0;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + file, e);
            }
        }
        return deleted;
    }

    public static boolean inOutputFolder(String path) {
        return OUTPUT_FOLDERS.stream().anyMatch(folder -> path.startsWith(folder + "/"));
    }

    /** The file, when it exists and is (also after following links) inside one of the output folders. */
    private static Optional<Path> confined(Storage storage, String path) {
        try {
            Path file = storage.resolve(path);
            boolean inside = OUTPUT_FOLDERS.stream().anyMatch(folder -> file.startsWith(storage.root().resolve(folder)));
            return inside ? Optional.of(file) : Optional.empty();
        } catch (TaskFailure gone) {
            return Optional.empty();   // deleted already, or not a path we may touch
        }
    }

    private static void strings(JsonNode node, Set<String> into) {
        if (node == null) {
            return;
        }
        if (node.isString()) {
            into.add(node.asString());
        } else if (node.isContainer()) {
            node.forEach(child -> strings(child, into));
        }
    }
}

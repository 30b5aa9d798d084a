package ai.pipeline.orchestration.retention;

import ai.pipeline.orchestration.store.FinishedRuns;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.TaskFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The files a run wrote: the storage paths its results name under the folders tasks write to
 * ({@code normalized/} page images, {@code results/} the AI pipeline's results, {@code annotated/}
 * detection pictures), except those its input names (a run given another run's output did not write
 * it). Inputs (uploads, dropped files) are never a run's own: re-runs and other runs may share them.
 */
final class RunOutputs {

    /** The storage folders tasks write into (MediaService, PipelineTasks, VisionTasks). */
    static final List<String> OUTPUT_FOLDERS = List.of("normalized", "results", "annotated");

    private final Storage storage;
    private final JsonMapper json;

    RunOutputs(Storage storage, JsonMapper json) {
        this.storage = storage;
        this.json = json;
    }

    /** The existing files this run wrote, each confined to its output folder in storage. */
    List<Path> of(FinishedRuns.Payloads payloads) {
        Set<String> given = new HashSet<>();
        strings(parse(payloads.input()), given);
        Set<String> named = new LinkedHashSet<>();
        payloads.results().forEach(result -> strings(parse(result), named));
        List<Path> files = new ArrayList<>();
        for (String path : named) {
            if (!given.contains(path) && inOutputFolder(path)) {
                confined(path).ifPresent(files::add);
            }
        }
        return files;
    }

    /** Deletes the files this run wrote; returns how many. */
    int delete(FinishedRuns.Payloads payloads) {
        int deleted = 0;
        for (Path file : of(payloads)) {
            try {
                deleted += Files.deleteIfExists(file) ? 1 : 0;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot delete " + file, e);
            }
        }
        return deleted;
    }

    private static boolean inOutputFolder(String path) {
        return OUTPUT_FOLDERS.stream().anyMatch(folder -> path.startsWith(folder + "/"));
    }

    /** The file, when it exists and is (also after following links) inside one of the output folders. */
    private java.util.Optional<Path> confined(String path) {
        try {
            Path file = storage.resolve(path);
            boolean inside = OUTPUT_FOLDERS.stream().anyMatch(folder -> file.startsWith(storage.root().resolve(folder)));
            return inside ? java.util.Optional.of(file) : java.util.Optional.empty();
        } catch (TaskFailure gone) {
            return java.util.Optional.empty();   // deleted already, or not a path we may touch
        }
    }

    private JsonNode parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JacksonException e) {
            return null;
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

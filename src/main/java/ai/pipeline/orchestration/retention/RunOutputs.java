package ai.pipeline.orchestration.retention;

import ai.pipeline.orchestration.engine.ClaimChecks;
import ai.pipeline.orchestration.store.FinishedRuns;
import ai.pipeline.shared.storage.RunFiles;
import ai.pipeline.shared.storage.Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The files a finished run wrote ({@link RunFiles}), read from its stored input and results. */
final class RunOutputs {

    private final Storage storage;
    private final JsonMapper json;

    RunOutputs(Storage storage, JsonMapper json) {
        this.storage = storage;
        this.json = json;
    }

    /** The existing files this run wrote, each confined to its output folder in storage. */
    List<Path> of(FinishedRuns.Payloads payloads) {
        return RunFiles.existing(storage, written(payloads));
    }

    /** Deletes the files this run wrote; returns how many. */
    int delete(FinishedRuns.Payloads payloads) {
        return RunFiles.delete(storage, written(payloads));
    }

    /**
     * Deletes what is left of the run's folder of stored results ({@link ClaimChecks}): those of
     * attempts whose report never came (the worker stopped); returns how many files.
     */
    int deleteClaims(String chainId) {
        return deleteClaims(storage, chainId);
    }

    static int deleteClaims(Storage storage, String chainId) {
        Path folder = storage.root().resolve(ClaimChecks.folderOf(chainId));
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            List<Path> paths = walk.sorted(Comparator.reverseOrder()).toList();
            int files = 0;
            for (Path path : paths) {
                files += Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) ? 1 : 0;
                Files.deleteIfExists(path);
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + folder, e);
        }
    }

    private List<String> written(FinishedRuns.Payloads payloads) {
        return RunFiles.written(parse(payloads.input()),
                payloads.results().stream().map(this::parse).filter(Objects::nonNull).toList());
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
}

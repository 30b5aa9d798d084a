package ai.pipeline.orchestration.api;

import ai.pipeline.shared.storage.Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import ai.pipeline.shared.api.ApiRequests.Upload;
import java.io.InputStream;

/** Multipart uploads into storage, and discarding one that nothing will refer to. */
final class Uploads {

    private Uploads() {
    }

    /** Stores the upload under {@code uploads/<date>/}; more than the storage limit is 413 and leaves nothing. */
    static Path store(Storage storage, Upload file) {
        try (InputStream content = file.open()) {
            return storage.store(content, file.originalName());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the upload", e);
        }
    }

    static void discard(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // an orphaned upload is harmless: nothing refers to it
        }
    }
}

package ai.pipeline.ingress;

import ai.pipeline.orchestration.retention.RetainedFiles;
import ai.pipeline.orchestration.retention.RetentionProperties;
import ai.pipeline.platform.DataDirectory;
import ai.pipeline.shared.storage.Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The ingress folders the retention job keeps tidy ({@code app.retention.*}): the outbox's result
 * files, the drop folder's {@code .done/} and {@code .failed/} files, and the dropped files copied
 * into storage ({@code storage/drop-folder/}, kept as long as uploads).
 */
@Configuration
class IngressRetention {

    @Bean
    RetainedFiles outboxFiles(DataDirectory dataDirectory, RetentionProperties retention) {
        return new RetainedFiles("outbox", retention.outbox(), () -> List.of(dataDirectory.outbox()));
    }

    @Bean
    RetainedFiles inboxFiles(DataDirectory dataDirectory, RetentionProperties retention) {
        return new RetainedFiles("inbox", retention.inbox(), () -> handledFolders(dataDirectory.inbox()));
    }

    @Bean
    RetainedFiles droppedFiles(Storage storage, RetentionProperties retention) {
        return new RetainedFiles("uploads", retention.uploads(), () -> List.of(storage.root().resolve(DropFolder.STORAGE_DIR)));
    }

    /** {@code inbox/<pipeline>/.done} and {@code .failed} of every pipeline folder there is. */
    private static List<Path> handledFolders(Path inbox) {
        if (!Files.isDirectory(inbox)) {
            return List.of();
        }
        try (Stream<Path> pipelines = Files.list(inbox)) {
            return pipelines.filter(Files::isDirectory)
                    .flatMap(p -> Stream.of(p.resolve(DropFolder.DONE), p.resolve(DropFolder.FAILED))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + inbox, e);
        }
    }
}

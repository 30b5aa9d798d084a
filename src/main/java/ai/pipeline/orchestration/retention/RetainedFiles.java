package ai.pipeline.orchestration.retention;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Folders whose files the retention job deletes once they are older (by last modification) than
 * {@link #keep()}; subfolders left empty go too, the folders themselves stay. A module hands in its
 * folders as a bean of this type.
 *
 * @param name    what the files are, the {@code what} tag of {@code ai.retention.purged}
 * @param keep    how long files are kept; null or zero keeps them for ever
 * @param folders the folders, looked up at each purge (a drop folder's pipelines may change)
 */
public record RetainedFiles(String name, Duration keep, java.util.function.Supplier<List<Path>> folders) {
}

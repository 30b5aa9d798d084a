package ai.pipeline.domains.media;

import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.ArgumentValues;
import ai.pipeline.shared.task.TaskArgument;
import ai.pipeline.shared.task.TaskArguments;
import ai.pipeline.shared.task.TaskDefinition;
import java.nio.file.Path;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The media tasks the engine can run; both use the default retry policy, bad input fails at once. */
@Configuration(proxyBeanMethods = false)
class MediaTasks {

    /** The source file: {@code path} first, then the names pipelines use. */
    private static final String[] SOURCE_KEYS = {"path", "document_path", "image_path"};
    /** The image to measure: a normalised image ({@code image_path}) wins over the source. */
    private static final String[] IMAGE_KEYS = {"image_path", "path", "document_path"};

    /** Both tasks take a file in storage under any of the names pipelines use, and nothing else. */
    private static final TaskArguments FILE_ARGUMENTS = TaskArguments.of(
            TaskArgument.string("path", "the image or PDF, a path in storage").orFromInput(),
            TaskArgument.string("document_path", "the same as path").orFromInput(),
            TaskArgument.string("image_path", "the same as path; media.image_features prefers it (a normalised image)")
                    .orFromInput());

    @Bean
    TaskDefinition mediaNormalize(MediaService media, Storage storage) {
        return TaskDefinition.of("media.normalize",
                "Recognises an image or PDF (path) by content, hashes it, counts its pages and writes an upright "
                        + "RGB PNG of it (a PDF: its first page) into storage as image_path",
                FILE_ARGUMENTS,
                (context, args) -> media.normalize(file(args, storage, SOURCE_KEYS), context.cancellation()));
    }

    @Bean
    TaskDefinition mediaImageFeatures(MediaService media, Storage storage) {
        return TaskDefinition.of("media.image_features",
                "Measures an image (image_path or path): size, colour statistics and histogram, dominant colours, "
                        + "sharpness and edge density",
                FILE_ARGUMENTS,
                (context, args) -> media.features(file(args, storage, IMAGE_KEYS)));
    }

    private static Path file(ArgumentValues args, Storage storage, String[] keys) {
        return storage.resolve(args.requireString(keys));
    }
}

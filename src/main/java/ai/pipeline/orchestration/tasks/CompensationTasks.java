package ai.pipeline.orchestration.tasks;

import ai.pipeline.shared.storage.RunFiles;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.ArgumentValues;
import ai.pipeline.shared.task.TaskArguments;
import ai.pipeline.shared.task.TaskContext;
import ai.pipeline.shared.task.TaskDefinition;
import ai.pipeline.shared.task.TaskFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Compensation for what the shipped pipelines write, for a pipeline's on-failure canvas:
 * {@code core.remove_run_files} removes the files a failed run wrote ({@code normalized/} pages,
 * {@code results/}, {@code annotated/} pictures), as listed in the on-failure input's {@code files}.
 */
@Configuration(proxyBeanMethods = false)
public class CompensationTasks {

    /**
     * Deletes the paths in its input's {@code files}, each only if it is a file inside an output folder
     * of storage (also after following links; anything else is skipped, never followed out). Answers
     * {@code {"removed": n, "skipped": [paths not removed: gone already, or not a run's output]}}.
     * Running it twice is harmless.
     */
    @Bean
    TaskDefinition coreRemoveRunFiles(Storage storage) {
        return TaskDefinition.of("core.remove_run_files", "removes the files a failed run wrote (normalized/, results/, "
                        + "annotated/), as listed in its on-failure input's files", TaskArguments.none(),
                (context, args) -> removeRunFiles(storage, context, args));
    }

    static Map<String, Object> removeRunFiles(Storage storage, TaskContext context, ArgumentValues args) {
        if (!(context.input() instanceof Map<?, ?> input) || !(input.get("files") instanceof List<?> listed)) {
            throw TaskFailure.invalidInput("core.remove_run_files takes the on-failure input: an object with a list 'files'");
        }
        int removed = 0;
        List<String> skipped = new ArrayList<>();
        for (Object file : listed) {
            if (file instanceof String path && RunFiles.delete(storage, List.of(path)) == 1) {
                removed++;
            } else {
                skipped.add(String.valueOf(file));
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("removed", removed);
        result.put("skipped", skipped);
        return result;
    }
}

package ai.pipeline.orchestration.engine;

import ai.pipeline.shared.task.RetryPolicy;
import ai.pipeline.shared.task.TaskDefinition;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/** Every task the domains (and the engine's built-ins) declared as {@link TaskDefinition} beans, by name. */
@Component
public class TaskRegistry {

    private final Map<String, TaskDefinition> tasks = new TreeMap<>();

    public TaskRegistry(List<TaskDefinition> definitions) {
        for (TaskDefinition definition : definitions) {
            TaskDefinition previous = tasks.put(definition.name(), definition);
            if (previous != null) {
                throw new IllegalStateException("task " + definition.name() + " is declared twice");
            }
        }
    }

    public Optional<TaskDefinition> find(String name) {
        return Optional.ofNullable(tasks.get(name));
    }

    public TaskDefinition get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("unknown task " + name));
    }

    public boolean contains(String name) {
        return tasks.containsKey(name);
    }

    public Collection<TaskDefinition> all() {
        return Collections.unmodifiableCollection(tasks.values());
    }

    public Collection<String> names() {
        return Collections.unmodifiableSet(tasks.keySet());
    }

    /** The type's policy with a signature's overrides applied. */
    public RetryPolicy retryPolicy(String name, Integer maxAttempts, Long backoffMs) {
        RetryPolicy base = get(name).retry();
        if (maxAttempts == null && backoffMs == null) {
            return base;
        }
        return new RetryPolicy(maxAttempts == null ? base.maxAttempts() : maxAttempts,
                backoffMs == null ? base.backoff() : Duration.ofMillis(backoffMs), base.multiplier(),
                backoffMs == null ? base.maxBackoff() : Duration.ofMillis(Math.max(backoffMs, base.maxBackoff().toMillis())));
    }
}

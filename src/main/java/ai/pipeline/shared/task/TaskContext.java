package ai.pipeline.shared.task;

import java.util.Map;
import java.util.Optional;

/**
 * What a running task may know: its identity, its arguments, its input (the previous task's result,
 * or the pipeline's input for a first task) and a cancellation signal to check between units of work.
 */
public interface TaskContext {

    String chainId();

    String taskId();

    /** 1 for the first attempt. */
    int attempt();

    /** The signature's own arguments ({@code args} in the canvas); never null. */
    Map<String, Object> args();

    /** The previous result or the pipeline input; may be null (immutable signatures get none). */
    Object input();

    CancellationSignal cancellation();

    /**
     * A parameter looked up first in {@link #args()}, then in {@link #input()} when that is a JSON
     * object; the first of {@code keys} that is present wins.
     */
    default Optional<Object> param(String... keys) {
        for (String key : keys) {
            Object value = args().get(key);
            if (value != null) {
                return Optional.of(value);
            }
        }
        if (input() instanceof Map<?, ?> map) {
            for (String key : keys) {
                Object value = map.get(key);
                if (value != null) {
                    return Optional.of(value);
                }
            }
        }
        return Optional.empty();
    }

    default Optional<String> stringParam(String... keys) {
        return param(keys).map(String::valueOf);
    }

    /** Like {@link #stringParam} but a missing value is bad input. */
    default String requireString(String... keys) {
        return stringParam(keys).filter(s -> !s.isBlank()).orElseThrow(() -> TaskFailure.invalidInput(
                "missing parameter: one of " + String.join(", ", keys)));
    }
}

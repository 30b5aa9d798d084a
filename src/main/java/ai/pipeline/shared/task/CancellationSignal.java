package ai.pipeline.shared.task;

/** Long tasks check this between units of work (pages, images) and stop early when it is set. */
@FunctionalInterface
public interface CancellationSignal {

    CancellationSignal NEVER = () -> false;

    boolean isCancelled();

    default void throwIfCancelled() {
        if (isCancelled()) {
            throw TaskFailure.cancelled();
        }
    }
}

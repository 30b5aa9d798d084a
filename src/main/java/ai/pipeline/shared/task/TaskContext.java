package ai.pipeline.shared.task;

import java.util.Map;

/**
 * What a running task may know: its identity, its raw arguments, its input (the previous task's
 * result, or the pipeline's input for a first task) and a cancellation signal to check between
 * units of work. Handlers read their arguments checked and typed from {@link ArgumentValues}.
 */
public interface TaskContext {

    String chainId();

    String taskId();

    /** 1 for the first attempt. */
    int attempt();

    /** The signature's own arguments ({@code args} in the canvas), as given; never null. */
    Map<String, Object> args();

    /** The previous result or the pipeline input; may be null (immutable signatures get none). */
    Object input();

    CancellationSignal cancellation();
}

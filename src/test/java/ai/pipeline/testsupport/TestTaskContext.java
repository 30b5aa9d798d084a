package ai.pipeline.testsupport;

import ai.pipeline.shared.task.CancellationSignal;
import ai.pipeline.shared.task.TaskContext;
import java.util.Map;

/** A task context as the engine would give it (args and the previous result), for tests that call task handlers directly. */
public record TestTaskContext(Map<String, Object> args, Object input) implements TaskContext {

    public static TestTaskContext withInput(Object input) {
        return new TestTaskContext(Map.of(), input);
    }

    @Override
    public String chainId() {
        return "test-chain";
    }

    @Override
    public String taskId() {
        return "test-task";
    }

    @Override
    public int attempt() {
        return 1;
    }

    @Override
    public CancellationSignal cancellation() {
        return CancellationSignal.NEVER;
    }
}

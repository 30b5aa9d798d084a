package ai.pipeline.domains.llm;

import ai.pipeline.shared.task.CancellationSignal;
import ai.pipeline.shared.task.TaskContext;
import java.util.Map;

/** A task context as the engine would give it: args and the previous result. */
record TestTaskContext(Map<String, Object> args, Object input) implements TaskContext {

    static TestTaskContext withInput(Object input) {
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

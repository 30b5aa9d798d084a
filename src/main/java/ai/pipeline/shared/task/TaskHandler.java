package ai.pipeline.shared.task;

/**
 * The code behind a task. It gets its declared arguments checked and typed ({@code args}) beside
 * the context, returns a JSON-serialisable result (a record, a Map, a List, a String or a number)
 * and signals bad input with {@link TaskFailure}; any other exception counts as a transient error
 * that may be retried.
 */
@FunctionalInterface
public interface TaskHandler {

    Object execute(TaskContext context, ArgumentValues args) throws Exception;
}

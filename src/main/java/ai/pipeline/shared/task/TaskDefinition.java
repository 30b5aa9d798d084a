package ai.pipeline.shared.task;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A task a domain offers to the engine: a namespaced name ({@code ocr.extract_text}), the arguments
 * it takes, the code that runs it, and its retry policy. Domains declare these as Spring beans; the
 * engine finds them, checks a canvas's args against {@code arguments} before a run starts, and lists
 * them at {@code GET /api/v1/tasks}.
 */
public record TaskDefinition(String name, String description, TaskArguments arguments, TaskHandler handler,
                             RetryPolicy retry) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*");

    public TaskDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(handler, "handler");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("task name must be <domain>.<task> in lower snake case: " + name);
        }
        description = description == null ? "" : description;
        arguments = arguments == null ? TaskArguments.none() : arguments;
        retry = retry == null ? RetryPolicy.DEFAULT : retry;
    }

    public static TaskDefinition of(String name, String description, TaskArguments arguments, TaskHandler handler) {
        return new TaskDefinition(name, description, arguments, handler, RetryPolicy.DEFAULT);
    }

    public TaskDefinition withRetry(RetryPolicy policy) {
        return new TaskDefinition(name, description, arguments, handler, policy);
    }

    /** Runs the handler with the context's args checked against the declaration (bad input otherwise). */
    public Object run(TaskContext context) throws Exception {
        return handler.execute(context, arguments.read(context));
    }

    /** The part before the dot: {@code ocr}, {@code llm}, {@code vision}, {@code core}. */
    public String domain() {
        return domainOf(name);
    }

    /** The domain of a task name ({@code ocr.extract_page}: {@code ocr}); a name without a dot is its own. */
    public static String domainOf(String taskName) {
        int dot = taskName.indexOf('.');
        return dot < 0 ? taskName : taskName.substring(0, dot);
    }
}

package ai.pipeline.orchestration.tasks;

import ai.pipeline.shared.task.ArgumentValues;
import ai.pipeline.shared.task.RetryPolicy;
import ai.pipeline.shared.task.TaskArgument;
import ai.pipeline.shared.task.TaskArguments;
import ai.pipeline.shared.task.TaskContext;
import ai.pipeline.shared.task.TaskDefinition;
import ai.pipeline.shared.task.TaskFailure;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Built-in tasks that do no AI work, for users' own tests and for benchmarks of the engine:
 * {@code core.echo}, {@code core.sleep}, {@code core.fail}.
 */
@Configuration(proxyBeanMethods = false)
public class CoreTasks {

    static final long MAX_SLEEP_MS = Duration.ofMinutes(10).toMillis();

    static final TaskArguments SLEEP_ARGUMENTS = TaskArguments.of(
            TaskArgument.integer("ms", "how long to sleep, in milliseconds").between(0, MAX_SLEEP_MS).withDefault(0));

    static final TaskArguments FAIL_ARGUMENTS = TaskArguments.of(
            TaskArgument.integer("times", "how many attempts fail before one succeeds (default: all of them)")
                    .atLeast(0),
            TaskArgument.bool("retryable", "false: each failure is bad input, which is never retried")
                    .withDefault(true));

    /** Returns its input and its args: {@code {"input": …, "args": {…}}}; any args are taken, as given. */
    @Bean
    TaskDefinition coreEcho() {
        return TaskDefinition.of("core.echo", "returns its input and its args (any args, returned as given)",
                TaskArguments.none().allowingOthers(), CoreTasks::echo);
    }

    /** Sleeps {@code args.ms} milliseconds (checking for cancellation), then returns its input. */
    @Bean
    TaskDefinition coreSleep() {
        return TaskDefinition.of("core.sleep", "sleeps args.ms milliseconds, then returns its input", SLEEP_ARGUMENTS,
                CoreTasks::sleep);
    }

    /**
     * Fails its first {@code args.times} attempts (retryably unless {@code args.retryable} is false),
     * then succeeds with its attempt number.
     */
    @Bean
    TaskDefinition coreFail() {
        return TaskDefinition.of("core.fail", "fails its first args.times attempts, then succeeds", FAIL_ARGUMENTS,
                        CoreTasks::fail)
                .withRetry(new RetryPolicy(3, Duration.ofMillis(200), 2.0, Duration.ofSeconds(10)));
    }

    static Map<String, Object> echo(TaskContext context, ArgumentValues args) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("input", context.input());
        result.put("args", context.args());
        return result;
    }

    static Map<String, Object> sleep(TaskContext context, ArgumentValues args) throws InterruptedException {
        long ms = args.integer("ms");
        long deadline = System.nanoTime() + ms * 1_000_000;
        for (long left = ms; left > 0; left = (deadline - System.nanoTime()) / 1_000_000) {
            context.cancellation().throwIfCancelled();
            Thread.sleep(Math.min(left, 50));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("slept_ms", ms);
        result.put("input", context.input());
        return result;
    }

    static Map<String, Object> fail(TaskContext context, ArgumentValues args) {
        long times = args.isGiven("times") ? args.integer("times") : Long.MAX_VALUE;
        boolean retryable = args.bool("retryable");
        if (context.attempt() <= times) {
            String message = "failing on purpose (attempt " + context.attempt() + " of the first " + times + ")";
            throw retryable ? new IllegalStateException(message) : TaskFailure.invalidInput(message);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("attempt", context.attempt());
        result.put("input", context.input());
        return result;
    }
}

package ai.pipeline.orchestration.tasks;

import ai.pipeline.shared.task.RetryPolicy;
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

    /** Returns its input and its args: {@code {"input": …, "args": {…}}}. */
    @Bean
    TaskDefinition coreEcho() {
        return TaskDefinition.of("core.echo", "returns its input and its args", CoreTasks::echo);
    }

    /** Sleeps {@code args.ms} milliseconds (checking for cancellation), then returns its input. */
    @Bean
    TaskDefinition coreSleep() {
        return TaskDefinition.of("core.sleep", "sleeps args.ms milliseconds, then returns its input", CoreTasks::sleep);
    }

    /**
     * Fails its first {@code args.times} attempts (retryably unless {@code args.retryable} is false),
     * then succeeds with its attempt number.
     */
    @Bean
    TaskDefinition coreFail() {
        return TaskDefinition.of("core.fail", "fails its first args.times attempts, then succeeds", CoreTasks::fail)
                .withRetry(new RetryPolicy(3, Duration.ofMillis(200), 2.0, Duration.ofSeconds(10)));
    }

    static Map<String, Object> echo(TaskContext context) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("input", context.input());
        result.put("args", context.args());
        return result;
    }

    static Map<String, Object> sleep(TaskContext context) throws InterruptedException {
        long ms = number(context, "ms", 0);
        if (ms < 0 || ms > MAX_SLEEP_MS) {
            throw TaskFailure.invalidInput("args.ms must be between 0 and " + MAX_SLEEP_MS);
        }
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

    static Map<String, Object> fail(TaskContext context) {
        long times = number(context, "times", Long.MAX_VALUE);
        boolean retryable = !Boolean.FALSE.equals(context.args().get("retryable"))
                && !"false".equals(String.valueOf(context.args().get("retryable")));
        if (context.attempt() <= times) {
            String message = "failing on purpose (attempt " + context.attempt() + " of the first " + times + ")";
            throw retryable ? new IllegalStateException(message) : TaskFailure.invalidInput(message);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("attempt", context.attempt());
        result.put("input", context.input());
        return result;
    }

    private static long number(TaskContext context, String key, long fallback) {
        Object value = context.args().get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return value instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(value));
        } catch (NumberFormatException e) {
            throw TaskFailure.invalidInput("args." + key + " must be a number, got " + value);
        }
    }
}

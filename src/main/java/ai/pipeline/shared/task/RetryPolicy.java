package ai.pipeline.shared.task;

import java.time.Duration;

/**
 * How often and how patiently a task is retried after a retryable failure: attempt {@code n} waits
 * {@code backoff * multiplier^(n-1)}, capped at {@code maxBackoff}. {@code maxAttempts} counts the
 * first attempt, so 1 means "never retry".
 */
public record RetryPolicy(int maxAttempts, Duration backoff, double multiplier, Duration maxBackoff) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofMillis(500), 2.0, Duration.ofMinutes(1));
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, 1.0, Duration.ZERO);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be at least 1");
        }
    }

    /** The wait before attempt {@code nextAttempt} (2 for the first retry). */
    public Duration backoffBefore(int nextAttempt) {
        double millis = backoff.toMillis() * Math.pow(multiplier, Math.max(0, nextAttempt - 2));
        return Duration.ofMillis((long) Math.min(millis, maxBackoff.toMillis()));
    }
}

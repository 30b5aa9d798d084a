package ai.pipeline.domains.llm.openai;

import ai.pipeline.shared.task.TaskFailure;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Limits calls to the chat model server: at most {@code requestsPerMinute} starts in any 60-second
 * window (0: unlimited) and {@code maxConcurrent} calls at once. A caller waits for its turn up to
 * {@code maxWait}; past that — or when the wait it would need is already longer — it fails with a
 * retryable UNAVAILABLE, so the task is retried later instead of piling onto the server.
 */
final class RateLimiter {

    private static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** Held while a call runs; closing it frees the concurrency slot. */
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    private final int requestsPerMinute;
    private final int maxConcurrent;
    private final Duration maxWait;
    private final Semaphore running;
    private final Deque<Long> recentStarts = new ArrayDeque<>();

    RateLimiter(int requestsPerMinute, int maxConcurrent, Duration maxWait) {
        if (requestsPerMinute < 0 || maxConcurrent < 1) {
            throw new IllegalArgumentException("requests-per-minute must be >= 0 and max-concurrent >= 1");
        }
        this.requestsPerMinute = requestsPerMinute;
        this.maxConcurrent = maxConcurrent;
        this.maxWait = maxWait;
        this.running = new Semaphore(maxConcurrent, true);
    }

    Permit acquire() {
        long deadline = System.nanoTime() + maxWait.toNanos();
        try {
            if (!running.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw TaskFailure.unavailable("chat model busy: " + maxConcurrent + " calls already running "
                        + "(app.llm.rate-limit.max-concurrent) and none finished within " + maxWait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TaskFailure.unavailable("interrupted while waiting for the chat model rate limit");
        }
        try {
            awaitStartSlot(deadline);
        } catch (RuntimeException e) {
            running.release();
            throw e;
        }
        return running::release;
    }

    private synchronized void awaitStartSlot(long deadline) {
        if (requestsPerMinute == 0) {
            return;
        }
        while (true) {
            long now = System.nanoTime();
            while (!recentStarts.isEmpty() && now - recentStarts.peekFirst() >= WINDOW_NANOS) {
                recentStarts.pollFirst();
            }
            if (recentStarts.size() < requestsPerMinute) {
                recentStarts.addLast(now);
                return;
            }
            long wait = recentStarts.peekFirst() + WINDOW_NANOS - now;
            if (now + wait > deadline) {
                throw TaskFailure.unavailable("chat model rate limit reached: " + requestsPerMinute
                        + " requests per minute (app.llm.rate-limit.requests-per-minute); the next slot opens in "
                        + Duration.ofNanos(wait).toSeconds() + " s, beyond the " + maxWait + " a call may wait");
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw TaskFailure.unavailable("interrupted while waiting for the chat model rate limit");
            }
        }
    }
}

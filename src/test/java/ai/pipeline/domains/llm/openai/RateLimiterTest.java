package ai.pipeline.domains.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.shared.task.TaskFailure;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    @Test
    void failsRetryableAtOnceWhenTheNextSlotIsBeyondTheWait() {
        RateLimiter limiter = new RateLimiter(2, 4, Duration.ofMillis(200));
        limiter.acquire().close();
        limiter.acquire().close();
        long started = System.nanoTime();

        assertThatThrownBy(limiter::acquire).isInstanceOfSatisfying(TaskFailure.class, failure -> {
            assertThat(failure.reason()).isEqualTo(TaskFailure.Reason.UNAVAILABLE);
            assertThat(failure.retryable()).isTrue();
            assertThat(failure.getMessage()).contains("2 requests per minute");
        });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(150));
    }

    @Test
    void waitsForAFreeConcurrencySlotUpToTheLimit() {
        RateLimiter limiter = new RateLimiter(0, 1, Duration.ofMillis(200));
        RateLimiter.Permit running = limiter.acquire();
        long started = System.nanoTime();

        assertThatThrownBy(limiter::acquire).isInstanceOfSatisfying(TaskFailure.class,
                failure -> assertThat(failure.getMessage()).contains("1 calls already running"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(190));

        running.close();
        limiter.acquire().close();
    }
}

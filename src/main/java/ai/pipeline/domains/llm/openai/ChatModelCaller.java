package ai.pipeline.domains.llm.openai;

import ai.pipeline.shared.task.CancellationSignal;
import ai.pipeline.shared.task.TaskFailure;
import ai.pipeline.shared.task.TaskFailure.Reason;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Calls the chat model within the rate limit and retries what retrying can fix — 429, 5xx, timeouts,
 * an unreachable server — waiting as long as the server's {@code Retry-After} asks, or with
 * exponential backoff and jitter when it does not say. langchain4j's own retries are off: they
 * cannot see {@code Retry-After}. What is left after the last attempt becomes a {@link TaskFailure}
 * saying what the server did.
 */
final class ChatModelCaller {

    record Settings(int maxRetries, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter,
            Duration timeout) {
    }

    record Outcome(ChatResponse response, int attempts) {
    }

    /** How long one sleep between attempts lasts at most, so a cancellation is noticed. */
    private static final long SLEEP_SLICE_MS = 250;

    private final ChatModel model;
    private final RateLimiter limiter;
    private final Settings settings;
    private final String server;

    ChatModelCaller(ChatModel model, RateLimiter limiter, Settings settings, String server) {
        this.model = model;
        this.limiter = limiter;
        this.settings = settings;
        this.server = server;
    }

    Outcome chat(ChatRequest request, CancellationSignal cancellation) {
        for (int attempt = 1; ; attempt++) {
            cancellation.throwIfCancelled();
            Failure failure;
            try (RateLimiter.Permit permit = limiter.acquire()) {
                return new Outcome(model.chat(request), attempt);
            } catch (TaskFailure e) {
                throw e;
            } catch (RuntimeException e) {
                failure = Failure.of(e).orElseThrow(() -> e);
            }
            if (!failure.retryable() || attempt > settings.maxRetries()) {
                throw failure.toTaskFailure(server, attempt, settings.timeout());
            }
            Duration wait = failure.retryAfter().isPresent() ? failure.retryAfter().get() : backoff(attempt);
            if (wait.compareTo(settings.maxRetryAfter()) > 0) {
                throw new TaskFailure(Reason.UNAVAILABLE, "the chat model server at " + server + " asked to wait "
                        + seconds(wait) + " (Retry-After), longer than app.llm.openai.max-retry-after ("
                        + seconds(settings.maxRetryAfter()) + ")", failure.cause());
            }
            sleep(wait, cancellation);
        }
    }

    /** Exponential from the initial backoff, capped, with ±20 % jitter so callers do not retry in step. */
    private Duration backoff(int attempt) {
        double millis = settings.initialBackoff().toMillis() * Math.pow(2, attempt - 1);
        millis = Math.min(millis, settings.maxBackoff().toMillis());
        return Duration.ofMillis((long) (millis * ThreadLocalRandom.current().nextDouble(0.8, 1.2)));
    }

    private static void sleep(Duration wait, CancellationSignal cancellation) {
        long until = System.nanoTime() + wait.toNanos();
        try {
            for (long left = wait.toMillis(); left > 0; left = (until - System.nanoTime()) / 1_000_000) {
                cancellation.throwIfCancelled();
                Thread.sleep(Math.min(left, SLEEP_SLICE_MS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TaskFailure.cancelled();
        }
    }

    static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() / 1000.0 + " s";
    }

    /** A failure whose kind we know: an HTTP status from the server, a timeout, or no connection. */
    record Failure(int status, boolean timedOut, Optional<Duration> retryAfter, RuntimeException cause) {

        static Optional<Failure> of(RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof ModelServerException server) {
                    return Optional.of(new Failure(server.statusCode(), false, server.retryAfter(), e));
                }
                if (t instanceof dev.langchain4j.exception.TimeoutException || t instanceof HttpTimeoutException) {
                    return Optional.of(new Failure(0, true, Optional.empty(), e));
                }
                if (t instanceof UncheckedIOException || t instanceof IOException) {
                    return Optional.of(new Failure(0, false, Optional.empty(), e));
                }
            }
            return Optional.empty();
        }

        boolean retryable() {
            return status == 0 || status == 408 || status == 429 || status >= 500;
        }

        TaskFailure toTaskFailure(String server, int attempts, Duration timeout) {
            String tries = attempts == 1 ? "" : " (" + attempts + " attempts)";
            String detail = cause.getMessage();
            if (timedOut) {
                return new TaskFailure(Reason.TIMEOUT, "no answer from the chat model server at " + server + " within "
                        + seconds(timeout) + " (app.llm.openai.timeout)" + tries, cause);
            }
            if (status == 0) {
                return new TaskFailure(Reason.UNAVAILABLE, "cannot reach the chat model server at " + server + tries
                        + ": " + detail, cause);
            }
            String answered = "the chat model server at " + server + " answered " + status;
            return switch (status) {
                case 401, 403 -> new TaskFailure(Reason.CONFLICT, answered + ": it refused the credentials; check "
                        + "APP_LLM_OPENAI_API_KEY", cause);
                case 404 -> new TaskFailure(Reason.CONFLICT, answered + ": no such model or endpoint; check "
                        + "app.llm.openai.base-url and app.llm.openai.model (" + detail + ")", cause);
                case 413 -> new TaskFailure(Reason.TOO_LARGE, answered + ": the request is too large", cause);
                case 429 -> new TaskFailure(Reason.UNAVAILABLE, answered + " (rate limited)" + tries + ": " + detail, cause);
                default -> status >= 500 || status == 408
                        ? new TaskFailure(Reason.UNAVAILABLE, answered + tries + ": " + detail, cause)
                        : new TaskFailure(Reason.INVALID_INPUT, answered + ": it rejected the request: " + detail, cause);
            };
        }
    }
}

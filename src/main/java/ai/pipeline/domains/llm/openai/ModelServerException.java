package ai.pipeline.domains.llm.openai;

import dev.langchain4j.exception.HttpException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A non-2xx answer of the chat model server, with what langchain4j's own exception leaves out: the
 * server's {@code Retry-After}. langchain4j wraps it (a 429 becomes its RateLimitException), so
 * callers find it in the cause chain.
 */
final class ModelServerException extends HttpException {

    private static final int MAX_BODY_IN_MESSAGE = 300;

    private final Duration retryAfter;

    ModelServerException(int statusCode, String body, Duration retryAfter) {
        super(statusCode, excerpt(body));
        this.retryAfter = retryAfter;
    }

    /** How long the server asked us to wait, if it said. */
    Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * A {@code Retry-After} value: delay-seconds or an HTTP-date (RFC 9110 §10.2.3); null when absent
     * or unreadable. A date in the past means "now".
     */
    static Duration parseRetryAfter(String value, ZonedDateTime now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(trimmed)));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration until = Duration.between(now, ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME));
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }

    private static String excerpt(String body) {
        String flat = body == null ? "" : body.replaceAll("\\s+", " ").trim();
        return flat.length() <= MAX_BODY_IN_MESSAGE ? flat : flat.substring(0, MAX_BODY_IN_MESSAGE) + "…";
    }
}

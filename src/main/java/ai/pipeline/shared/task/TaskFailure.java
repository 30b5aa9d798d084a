package ai.pipeline.shared.task;

/**
 * A failure whose cause is known: bad input, an unsupported format, an input over a limit, or a
 * service that is down. Each reason says whether retrying can help and which HTTP status a
 * synchronous caller gets.
 */
public class TaskFailure extends RuntimeException {

    public enum Reason {
        INVALID_INPUT(400, false),
        NOT_FOUND(404, false),
        CONFLICT(409, false),
        TOO_LARGE(413, false),
        UNSUPPORTED_FORMAT(415, false),
        CANCELLED(409, false),
        UNAVAILABLE(503, true),
        TIMEOUT(503, true),
        /** A task ran past its time limit (soft: it stopped when asked; hard: the worker abandoned it). */
        TIME_LIMIT(504, true);

        private final int httpStatus;
        private final boolean retryable;

        Reason(int httpStatus, boolean retryable) {
            this.httpStatus = httpStatus;
            this.retryable = retryable;
        }

        public int httpStatus() {
            return httpStatus;
        }

        public boolean retryable() {
            return retryable;
        }

        /** The machine-readable code in error envelopes: {@code invalid_input}, {@code too_large}, … */
        public String code() {
            return name().toLowerCase();
        }
    }

    private final Reason reason;

    public TaskFailure(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public TaskFailure(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    public boolean retryable() {
        return reason.retryable();
    }

    public static TaskFailure invalidInput(String message) {
        return new TaskFailure(Reason.INVALID_INPUT, message);
    }

    public static TaskFailure notFound(String message) {
        return new TaskFailure(Reason.NOT_FOUND, message);
    }

    public static TaskFailure unsupportedFormat(String message) {
        return new TaskFailure(Reason.UNSUPPORTED_FORMAT, message);
    }

    public static TaskFailure tooLarge(String message) {
        return new TaskFailure(Reason.TOO_LARGE, message);
    }

    public static TaskFailure unavailable(String message) {
        return new TaskFailure(Reason.UNAVAILABLE, message);
    }

    public static TaskFailure cancelled() {
        return new TaskFailure(Reason.CANCELLED, "cancelled");
    }
}

package ai.pipeline.shared.api;

import ai.pipeline.shared.task.TaskFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * The status, code and message an API failure answers with, wherever it is caught (a REST DSL
 * route's error handler or Spring MVC's): a known failure ({@link TaskFailure}) as its reason says,
 * an unavailable database (no connection, no transaction, or a commit or rollback on a connection
 * the database ended) 503, anything else a 500 whose stack trace goes to the log, never to the client.
 */
public final class ApiErrors {

    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    public record Failure(int status, String code, String message) {

        public ApiResponse<Void> envelope() {
            return ApiResponse.error(code, message);
        }
    }

    private ApiErrors() {
    }

    public static Failure of(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TaskFailure failure) {
                return new Failure(failure.reason().httpStatus(), failure.reason().code(), failure.getMessage());
            }
            if (databaseAway(t)) {
                log.warn("database unavailable: {}", t.getMessage());
                return new Failure(503, "unavailable", "the database is unavailable; try again later");
            }
        }
        log.error("unexpected error in API call", e);
        return new Failure(500, "internal_error", "internal error; see the server log");
    }

    private static boolean databaseAway(Throwable t) {
        return t instanceof CannotGetJdbcConnectionException || t instanceof DataAccessResourceFailureException
                || t instanceof TransientDataAccessException || t instanceof CannotCreateTransactionException
                || t instanceof TransactionSystemException;
    }
}

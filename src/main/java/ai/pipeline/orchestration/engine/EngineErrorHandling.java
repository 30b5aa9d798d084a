package ai.pipeline.orchestration.engine;

import ai.pipeline.shared.task.TaskFailure;
import java.util.List;
import java.util.function.Predicate;
import org.apache.camel.Exchange;
import org.apache.kafka.common.KafkaException;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Error handling the engine's routes opt into ({@code routeConfigurationId("engine-errors")}): a
 * database or Kafka that is briefly away blocks the route until it is back, so no worker report or request is
 * skipped; so does a retryable TaskFailure (Kafka refusing new work for a moment). A database that
 * ends its connections (a restart) can fail a commit and then its rollback: Spring reports that as
 * a TransactionSystemException, which is retried too (every engine operation is idempotent).
 * Anything else is a defect or bad data that a retry would repeat: {@link PipelineEngine#onTaskEvents}
 * confines it to the pipeline it belongs to.
 */
@Component
class EngineErrorHandling extends RouteConfigurationBuilder {

    /** A database or Kafka briefly away: what is retried until it is back. */
    private static final List<Class<? extends Throwable>> TRANSIENT = List.of(TransientDataAccessException.class,
            CannotGetJdbcConnectionException.class, DataAccessResourceFailureException.class,
            CannotCreateTransactionException.class, TransactionSystemException.class, KafkaException.class);

    /** The database cannot be reached (no connection, no transaction), as opposed to refusing something. */
    private static final List<Class<? extends Throwable>> DATABASE_AWAY = List.of(CannotGetJdbcConnectionException.class,
            CannotCreateTransactionException.class, DataAccessResourceFailureException.class);

    /** Whether the engine's routes retry this failure (else it is a defect or bad data that a retry repeats). */
    static boolean isRetried(Throwable failure) {
        return causedBy(failure, cause -> isAny(cause, TRANSIENT) || cause instanceof TaskFailure task && task.retryable());
    }

    /** Whether this failure says the database cannot be reached, not that it refused something. */
    static boolean isDatabaseAway(Throwable failure) {
        return causedBy(failure, cause -> isAny(cause, DATABASE_AWAY));
    }

    /** The failure as a log line or an error message can hold it: a database error quotes its whole statement. */
    static String shorten(Throwable failure) {
        String cause = failure.toString();
        return cause.length() > 1000 ? cause.substring(0, 1000) + "…" : cause;
    }

    private static boolean isAny(Throwable cause, List<Class<? extends Throwable>> types) {
        return types.stream().anyMatch(type -> type.isInstance(cause));
    }

    /** Whether the failure or one of its causes passes the test: one walk down the chain. */
    private static boolean causedBy(Throwable failure, Predicate<Throwable> test) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (test.test(cause)) {
                return true;
            }
        }
        return false;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void configuration() {
        RouteConfigurationDefinition errors = routeConfiguration(EngineRoutes.ERRORS);
        errors.onException(TRANSIENT.toArray(new Class[0]))
                .maximumRedeliveries(-1).redeliveryDelay(200).backOffMultiplier(2).maximumRedeliveryDelay(10_000)
                .retryAttemptedLogLevel(LoggingLevel.WARN);
        errors.onException(TaskFailure.class)
                .onWhen(exchange -> exchange.getProperty(Exchange.EXCEPTION_CAUGHT, TaskFailure.class).retryable())
                .maximumRedeliveries(-1).redeliveryDelay(500).backOffMultiplier(2).maximumRedeliveryDelay(10_000)
                .retryAttemptedLogLevel(LoggingLevel.WARN);
    }
}

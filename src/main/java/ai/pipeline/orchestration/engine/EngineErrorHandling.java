package ai.pipeline.orchestration.engine;

import ai.pipeline.shared.task.TaskFailure;
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
 */
@Component
class EngineErrorHandling extends RouteConfigurationBuilder {

    @Override
    public void configuration() {
        RouteConfigurationDefinition errors = routeConfiguration(EngineRoutes.ERRORS);
        errors.onException(TransientDataAccessException.class, CannotGetJdbcConnectionException.class,
                        DataAccessResourceFailureException.class, CannotCreateTransactionException.class,
                        TransactionSystemException.class, KafkaException.class)
                .maximumRedeliveries(-1).redeliveryDelay(200).backOffMultiplier(2).maximumRedeliveryDelay(10_000)
                .retryAttemptedLogLevel(LoggingLevel.WARN);
        errors.onException(TaskFailure.class)
                .onWhen(exchange -> exchange.getProperty(Exchange.EXCEPTION_CAUGHT, TaskFailure.class).retryable())
                .maximumRedeliveries(-1).redeliveryDelay(500).backOffMultiplier(2).maximumRedeliveryDelay(10_000)
                .retryAttemptedLogLevel(LoggingLevel.WARN);
    }
}

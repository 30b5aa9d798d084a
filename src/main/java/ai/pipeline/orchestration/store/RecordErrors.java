package ai.pipeline.orchestration.store;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The {@code orchestration-records} route's transaction and error handling. The route joins its caller's
 * transaction and requires one ({@code PROPAGATION_MANDATORY}). A failed write goes straight back to the
 * group commit that called it, unlogged and not redelivered: its transaction rolls back and the commit
 * decides what follows (wait and try again when the database is away, or store the runs one by one when
 * it refused a value) and logs it once.
 */
@Component
class RecordErrors extends RouteConfigurationBuilder {

    static final String ID = "records-errors";

    private final SpringTransactionPolicy callersTransaction;

    RecordErrors(PlatformTransactionManager transactions) {
        callersTransaction = new SpringTransactionPolicy(transactions);
        callersTransaction.setPropagationBehaviorName("PROPAGATION_MANDATORY");
    }

    /** One policy for the route and its error handler: an error handler given none brings its own, PROPAGATION_REQUIRED. */
    SpringTransactionPolicy callersTransaction() {
        return callersTransaction;
    }

    @Override
    public void configuration() {
        routeConfiguration(ID).errorHandler(springTransactionErrorHandler(callersTransaction)
                .rollbackLoggingLevel(LoggingLevel.DEBUG)
                .maximumRedeliveries(0)
                .logExhausted(false));
    }
}

package ai.pipeline.orchestration.store;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ChoiceDefinition;
import org.springframework.stereotype.Component;

/**
 * The route that writes execution records: a batch of rows for one {@link RecordStatement} (header
 * {@link #STATEMENT}) goes to that statement's camel-sql endpoint. It runs on its caller's thread,
 * inside the caller's transaction, which it requires ({@code PROPAGATION_MANDATORY}): the engine's group
 * commit writes its records, its lease fence and its outbox rows in one transaction.
 */
@Component
public class ExecutionRecordRoutes extends RouteBuilder {

    public static final String ROUTE_ID = "orchestration-records";
    static final String WRITE = "direct:execution-records";
    static final String STATEMENT = "recordStatement";

    private final RecordErrors errors;

    ExecutionRecordRoutes(RecordErrors errors) {
        this.errors = errors;
    }

    @Override
    public void configure() {
        ChoiceDefinition statements = from(WRITE).routeId(ROUTE_ID)
                .routeConfigurationId(RecordErrors.ID)
                .policy(errors.callersTransaction())
                .choice();
        for (RecordStatement statement : RecordStatement.values()) {
            statements.when(header(STATEMENT).isEqualTo(statement)).to(statement.endpointUri());
        }
        statements.otherwise().throwException(IllegalArgumentException.class, "no record statement ${header." + STATEMENT + "}");
    }
}

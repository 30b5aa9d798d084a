package ai.pipeline.orchestration.store;

import org.apache.camel.builder.RouteConfigurationBuilder;
import org.springframework.stereotype.Component;

/**
 * The {@code orchestration-records} route's error handling: none. A failed write goes straight back to
 * the group commit that called it, whose transaction rolls back and which decides what follows (wait
 * and try again when the database is away, or store the runs one by one when it refused a value).
 */
@Component
class RecordErrors extends RouteConfigurationBuilder {

    static final String ID = "records-errors";

    @Override
    public void configuration() {
        routeConfiguration(ID).errorHandler(noErrorHandler());
    }
}

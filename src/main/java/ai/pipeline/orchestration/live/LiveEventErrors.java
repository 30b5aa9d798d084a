package ai.pipeline.orchestration.live;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.springframework.stereotype.Component;

/**
 * {@code live-events-errors}: for the live feed's route, which only watches its topic: a record it
 * cannot read is logged and skipped, never retried.
 */
@Component
class LiveEventErrors extends RouteConfigurationBuilder {

    static final String ID = "live-events-errors";

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .onException(Exception.class).handled(true)
                .log(LoggingLevel.WARN, "live event skipped: ${exception.message}");
    }
}

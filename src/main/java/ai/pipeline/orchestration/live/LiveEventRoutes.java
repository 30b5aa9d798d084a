package ai.pipeline.orchestration.live;

import ai.pipeline.orchestration.engine.Topics;
import java.util.UUID;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * {@code orchestration-live-events}: {@code ai.pipeline.events} → {@link LiveEvents}, one consumer
 * per process. Its consumer group is this process's own (every process streams every event to its
 * clients), starts at the latest record and commits nothing, so no offsets pile up for groups of
 * processes that are gone. An event that cannot be read is logged and skipped: a live view never
 * holds up the topic.
 */
@Component
class LiveEventRoutes extends RouteBuilder {

    static final String ROUTE_ID = "orchestration-live-events";

    private final LiveEvents live;
    private final boolean enabled;

    LiveEventRoutes(LiveEvents live, @Value("${app.dashboard.live-events:true}") boolean enabled) {
        this.live = live;
        this.enabled = enabled;
    }

    @Override
    public void configure() {
        from("kafka:" + Topics.EVENTS + "?groupId=live-events-" + UUID.randomUUID()
                + "&autoOffsetReset=latest&autoCommitEnable=false")
                .routeId(ROUTE_ID)
                .routeConfigurationId(LiveEventErrors.ID)
                .autoStartup(enabled)
                .process(exchange -> live.onEvent(exchange.getIn().getBody(String.class)));
    }
}

package ai.pipeline.orchestration.live;

import ai.pipeline.orchestration.engine.Topics;
import ai.pipeline.platform.KafkaConsumersHealthIndicator;
import java.util.UUID;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * {@code orchestration-live-events}: {@code ai.pipeline.events} → {@link LiveEvents}, one consumer
 * per process, run by {@link LiveFeed} only while a client listens. Its consumer group is this
 * process's own (every process streams every event to its clients), starts at the latest record
 * and commits nothing, so no offsets pile up for groups of processes that are gone; readiness does
 * not wait for it (route group {@link KafkaConsumersHealthIndicator#ON_DEMAND}). An event that
 * cannot be read is logged and skipped: a live view never holds up the topic.
 */
@Component
class LiveEventRoutes extends RouteBuilder {

    static final String ROUTE_ID = "orchestration-live-events";
    static final String GROUP = "live-events-" + UUID.randomUUID();

    private final LiveEvents live;

    LiveEventRoutes(LiveEvents live) {
        this.live = live;
    }

    @Override
    public void configure() {
        from("kafka:" + Topics.EVENTS + "?groupId=" + GROUP + "&autoOffsetReset=latest&autoCommitEnable=false")
                .routeId(ROUTE_ID)
                .routeConfigurationId(LiveEventErrors.ID)
                .group(KafkaConsumersHealthIndicator.ON_DEMAND).autoStartup(false)
                .process(exchange -> live.onEvent(exchange.getIn().getBody(String.class)));
    }
}

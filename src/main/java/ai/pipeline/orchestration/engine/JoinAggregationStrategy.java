package ai.pipeline.orchestration.engine;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/** Folds join feeds into a {@link JoinState}: the body of the aggregated exchange. */
final class JoinAggregationStrategy implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange aggregated, Exchange incoming) {
        JoinFeed feed = incoming.getIn().getBody(JoinFeed.class);
        if (aggregated == null) {
            incoming.getIn().setBody(JoinState.of(feed));
            return incoming;
        }
        JoinState state = aggregated.getIn().getBody(JoinState.class);
        aggregated.getIn().setBody(state.with(feed));
        return aggregated;
    }

    static boolean isComplete(Exchange exchange) {
        return exchange.getIn().getBody(JoinState.class).complete();
    }

    /** Time left until the join's deadline; Camel asks with the incoming feed, before aggregating it. */
    static long remainingMillis(Exchange exchange) {
        Object body = exchange.getIn().getBody();
        java.time.Instant deadline = body instanceof JoinFeed feed ? feed.deadline() : ((JoinState) body).deadline();
        return Math.max(1, deadline.toEpochMilli() - System.currentTimeMillis());
    }
}

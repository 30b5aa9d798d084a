package ai.pipeline.platform;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code consumers} in the readiness group: DOWN until the consumer group of every running Kafka
 * route of this process is stable with its partitions assigned, so the first pipelines after
 * {@code /readyz} do not wait for a rebalance. A group seen ready once stays ready: later
 * rebalances (an instance joining or leaving) do not take this one out of service. Routes of the
 * group {@link #ON_DEMAND} are not waited for.
 */
@Component("consumers")
public class KafkaConsumersHealthIndicator implements HealthIndicator {

    /** The route group of Kafka routes started only when something needs them (the live feed): readiness does not wait for them. */
    public static final String ON_DEMAND = "on-demand";

    private final CamelContext camel;
    private final KafkaConnection connection;
    private final Set<String> ready = ConcurrentHashMap.newKeySet();

    KafkaConsumersHealthIndicator(CamelContext camel, KafkaConnection connection) {
        this.camel = camel;
        this.connection = connection;
    }

    @Override
    public Health health() {
        Set<String> waiting = new TreeSet<>(runningGroups());
        waiting.removeAll(ready);
        if (!waiting.isEmpty()) {
            try {
                ready.addAll(connection.groupsReading(waiting, Duration.ofSeconds(3)));
                waiting.removeAll(ready);
            } catch (Exception e) {
                return Health.down().withDetail("error", "Kafka does not describe the consumer groups: "
                        + e.getClass().getSimpleName()).withDetail("waiting_for", waiting).build();
            }
        }
        return (waiting.isEmpty() ? Health.up() : Health.down().withDetail("waiting_for", waiting))
                .withDetail("groups_ready", ready.size()).build();
    }

    /** The consumer groups of this process's started Kafka routes. */
    private Set<String> runningGroups() {
        Set<String> groups = new TreeSet<>();
        for (Route route : camel.getRoutes()) {
            if (route.getEndpoint() instanceof KafkaEndpoint kafka && kafka.getConfiguration().getGroupId() != null
                    && !ON_DEMAND.equals(route.getGroup())
                    && camel.getRouteController().getRouteStatus(route.getRouteId()).isStarted()) {
                groups.add(kafka.getConfiguration().getGroupId());
            }
        }
        return groups;
    }
}

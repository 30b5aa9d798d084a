package ai.pipeline.platform;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * With the embedded broker, every member its consumer groups remember belonged to this process's
 * previous run (nothing else reaches an embedded broker: its port changes at every start). Left
 * alone, a restarted process's consumers wait for those dead members' session timeout before a
 * rebalance gives them their partitions; so just before a Kafka route starts, the members of its
 * consumer group are removed (once per group and process: a second route of the same group would
 * otherwise unseat the first).
 */
@Component
class StaleGroupMembers extends EventNotifierSupport {

    private static final Logger log = LoggerFactory.getLogger(StaleGroupMembers.class);

    private final KafkaConnection connection;
    private final Set<String> cleared = ConcurrentHashMap.newKeySet();

    StaleGroupMembers(KafkaConnection connection) {
        this.connection = connection;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.RouteStartingEvent && connection.embedded();
    }

    @Override
    public void notify(CamelEvent event) {
        if (!(((CamelEvent.RouteStartingEvent) event).getRoute().getEndpoint() instanceof KafkaEndpoint kafka)) {
            return;
        }
        String group = kafka.getConfiguration().getGroupId();
        if (group == null || !cleared.add(group)) {
            return;
        }
        long begin = System.nanoTime();
        try {
            connection.admin().removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions())
                    .all().get(10, TimeUnit.SECONDS);
            log.info("Removed the members the previous run left in consumer group {} ({} ms)", group,
                    (System.nanoTime() - begin) / 1_000_000);
        } catch (ExecutionException e) {
            log.debug("Consumer group {} has no members to remove: {}", group, e.getCause().toString());   // a new group
        } catch (Exception e) {
            log.warn("Could not remove the old members of consumer group {} ({}); its consumers wait for their session timeout",
                    group, e.toString());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

package ai.pipeline.platform;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.common.GroupState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.util.ClassUtils;

/**
 * Where Kafka is: the configured cluster, or an in-process broker started here when none is
 * configured. The broker starts when this bean is created (before any route or client needs it)
 * and stops in the last lifecycle phase, after every consumer and producer has stopped.
 */
@Component
public class KafkaConnection implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(KafkaConnection.class);

    /** A class of the broker, absent from the cluster jar (-Pcluster), where only a configured cluster works. */
    private static final String BROKER_CLASS = "kafka.server.KafkaRaftServer";

    private final EmbeddedKafkaBroker embeddedBroker;
    private final String bootstrapServers;
    private final Map<String, Object> clientProperties;
    private final Admin admin;
    private volatile boolean running;
    private final List<Runnable> beforeStop = new CopyOnWriteArrayList<>();

    public KafkaConnection(KafkaSettings settings, DataDirectory dataDirectory) {
        if (settings.embedded()) {
            if (!ClassUtils.isPresent(BROKER_CLASS, KafkaConnection.class.getClassLoader())) {
                throw new IllegalStateException("This jar has no embedded Kafka broker (built with -Pcluster, for"
                        + " Kubernetes): set app.kafka.bootstrap-servers (APP_KAFKA_BOOTSTRAP_SERVERS) to a Kafka cluster");
            }
            embeddedBroker = EmbeddedKafkaBroker.start(dataDirectory.kafka(), settings.partitions());
            bootstrapServers = embeddedBroker.bootstrapServers();
        } else {
            embeddedBroker = null;
            bootstrapServers = settings.bootstrapServers();
            log.info("Using the Kafka cluster at {} (app.kafka.bootstrap-servers); no embedded broker started",
                    bootstrapServers);
        }
        clientProperties = settings.clientProperties(bootstrapServers);
        admin = Admin.create(clientConfig(Map.of(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000)));
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * The configuration of a Kafka client: its own settings, then the ones every client shares
     * (bootstrap servers, TLS, SASL: {@code app.kafka.properties}), which win.
     */
    public Map<String, Object> clientConfig(Map<String, Object> own) {
        Map<String, Object> config = new HashMap<>(own);
        config.putAll(clientProperties);
        return config;
    }

    /** The settings every client shares, as {@link #clientConfig} adds them. */
    public Map<String, Object> sharedClientProperties() {
        return clientProperties;
    }

    public boolean embedded() {
        return embeddedBroker != null;
    }

    /** A shared admin client; do not close it. */
    public Admin admin() {
        return admin;
    }

    /**
     * Which of these consumer groups read now: stable, with a partition assigned to a member (a
     * group still joining or rebalancing is not). Asks the group coordinator, waiting at most {@code timeout}.
     */
    public Set<String> groupsReading(Collection<String> groups, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> reading = new TreeSet<>();
        admin.describeConsumerGroups(groups, new DescribeConsumerGroupsOptions().timeoutMs((int) timeout.toMillis()))
                .all().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS)
                .forEach((group, description) -> {
                    if (description.groupState() == GroupState.STABLE && description.members().stream()
                            .anyMatch(member -> !member.assignment().topicPartitions().isEmpty())) {
                        reading.add(group);
                    }
                });
        return reading;
    }

    @Override
    public void start() {
        running = true;
    }

    /**
     * Runs {@code action} (a client's close) when this connection stops, before an embedded broker does:
     * every route has stopped by then, and a producer closed after the broker logs its absence.
     */
    public void beforeStop(Runnable action) {
        beforeStop.add(action);
    }

    @Override
    public void stop() {
        if (!running) {
            return;
        }
        running = false;
        for (Runnable action : beforeStop) {
            try {
                action.run();
            } catch (RuntimeException e) {
                log.warn("A Kafka client did not close cleanly: {}", e.toString());
            }
        }
        admin.close();
        if (embeddedBroker != null) {
            embeddedBroker.close();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Lowest phase: started first, stopped last. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 1000;
    }
}

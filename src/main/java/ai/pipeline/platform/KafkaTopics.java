package ai.pipeline.platform;

import java.util.List;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Creates every declared topic with {@code app.kafka.partitions} partitions before routes start.
 * When Kafka is unreachable the application still starts (readiness reports it) and creation is
 * retried in the background until it succeeds.
 */
@Component
public class KafkaTopics implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(KafkaTopics.class);

    /** Largest record accepted: the results of long documents can be several MB of JSON. */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    /** Largest payload (the JSON value) of a message we produce: the record limit, less room for key, headers and framing. */
    public static final int MAX_PAYLOAD_BYTES = MAX_MESSAGE_BYTES - 64 * 1024;

    /** Whether a payload is within {@link #MAX_PAYLOAD_BYTES} as UTF-8 (counted only when it could be over). */
    public static boolean fits(String payload) {
        return payload.length() <= MAX_PAYLOAD_BYTES / 3 || payload.getBytes(StandardCharsets.UTF_8).length <= MAX_PAYLOAD_BYTES;
    }

    private final KafkaConnection connection;
    private final KafkaSettings settings;
    private final Set<String> declared = new TreeSet<>();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "kafka-topics-retry");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean ready;

    public KafkaTopics(KafkaConnection connection, KafkaSettings settings, ObjectProvider<TopicDeclaration> declarations) {
        this.connection = connection;
        this.settings = settings;
        declarations.forEach(d -> declared.addAll(d.topics()));
        if (!tryCreate()) {
            retries.scheduleWithFixedDelay(() -> {
                if (!ready && tryCreate()) {
                    retries.shutdown();
                }
            }, 5, 5, TimeUnit.SECONDS);
        }
    }

    public Set<String> declared() {
        return Set.copyOf(declared);
    }

    public boolean ready() {
        return ready;
    }

    private synchronized boolean tryCreate() {
        try {
            Set<String> existing = connection.admin().listTopics().names().get(15, TimeUnit.SECONDS);
            List<NewTopic> missing = declared.stream()
                    .filter(name -> !existing.contains(name))
                    .map(name -> new NewTopic(name, settings.partitions(), settings.replicationFactor())
                            .configs(Map.of("max.message.bytes", String.valueOf(MAX_MESSAGE_BYTES))))
                    .toList();
            if (!missing.isEmpty()) {
                connection.admin().createTopics(missing).all().get(30, TimeUnit.SECONDS);
                log.info("Created {} topics with {} partitions: {}", missing.size(), settings.partitions(),
                        missing.stream().map(NewTopic::name).toList());
            }
            ready = true;
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException) {
                ready = true;
                return true;
            }
            log.warn("Cannot create Kafka topics yet ({}); retrying in the background", e.getCause().toString());
            return false;
        } catch (TimeoutException e) {
            log.warn("Kafka at {} did not answer; creating topics is retried in the background",
                    connection.bootstrapServers());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void destroy() {
        retries.shutdownNow();
    }
}

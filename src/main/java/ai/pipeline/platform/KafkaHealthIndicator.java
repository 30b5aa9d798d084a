package ai.pipeline.platform;

import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/** {@code kafka} in actuator health: UP when the cluster answers and our topics exist; asked in the background. */
@Component("kafka")
class KafkaHealthIndicator extends AskedInBackground {

    private final KafkaConnection connection;
    private final KafkaTopics topics;

    KafkaHealthIndicator(KafkaConnection connection, KafkaTopics topics) {
        super("kafka", "Kafka");
        this.connection = connection;
        this.topics = topics;
    }

    @Override
    protected Health ask() {
        Health.Builder builder;
        try {
            int nodes = connection.admin().describeCluster(new DescribeClusterOptions().timeoutMs(3000))
                    .nodes().get(4, TimeUnit.SECONDS).size();
            builder = topics.ready() ? Health.up() : Health.down().withDetail("topics", "not created yet");
            builder.withDetail("nodes", nodes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            builder = Health.down().withDetail("error", "interrupted while asking Kafka");
        } catch (Exception e) {
            builder = Health.down().withDetail("error", "Kafka does not answer: " + e.getClass().getSimpleName());
        }
        return builder
                .withDetail("mode", connection.embedded() ? "embedded" : "external")
                .withDetail("bootstrap_servers", connection.bootstrapServers())
                .build();
    }
}

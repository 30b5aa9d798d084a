package ai.pipeline.platform;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code app.kafka.*}. Leave {@code bootstrap-servers} (env {@code APP_KAFKA_BOOTSTRAP_SERVERS})
 * empty to run an in-process broker under {@code app.data-dir}; set it to use a cluster.
 *
 * @param bootstrapServers  the cluster to use; empty starts the embedded broker
 * @param partitions        partitions of every topic this application creates (the ceiling of
 *                          parallel consumers per topic)
 * @param replicationFactor replication of created topics (1 for the embedded broker)
 * @param properties        Kafka client settings every client of this application takes (Camel's
 *                          kafka component, the admin client, the outbox producer), for a cluster
 *                          only: TLS and SASL ({@code security.protocol}, {@code sasl.jaas.config},
 *                          {@code ssl.truststore.certificates}, ...); from the environment as
 *                          {@code APP_KAFKA_PROPERTIES_SASL_JAAS_CONFIG} and the like
 */
@ConfigurationProperties("app.kafka")
public record KafkaSettings(
        @DefaultValue("") String bootstrapServers,
        @DefaultValue("12") int partitions,
        @DefaultValue("1") short replicationFactor,
        @DefaultValue Map<String, String> properties) {

    @ConstructorBinding
    public KafkaSettings {
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    /** Settings without Kafka client settings (the embedded broker's, or a plain-text cluster's). */
    public KafkaSettings(String bootstrapServers, int partitions, short replicationFactor) {
        this(bootstrapServers, partitions, replicationFactor, Map.of());
    }

    public boolean embedded() {
        return bootstrapServers == null || bootstrapServers.isBlank();
    }

    /**
     * What every Kafka client shares: the bootstrap servers and, for a configured cluster, the
     * {@link #properties()} (the embedded broker listens in plain text on loopback).
     */
    Map<String, Object> clientProperties(String bootstrap) {
        Map<String, Object> shared = new HashMap<>();
        if (!embedded()) {
            shared.putAll(properties);
        }
        shared.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Map.copyOf(shared);
    }
}

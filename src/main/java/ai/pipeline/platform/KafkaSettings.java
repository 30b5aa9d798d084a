package ai.pipeline.platform;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code app.kafka.*}. Leave {@code bootstrap-servers} (env {@code APP_KAFKA_BOOTSTRAP_SERVERS})
 * empty to run an in-process broker under {@code app.data-dir}; set it to use a cluster.
 *
 * @param bootstrapServers  the cluster to use; empty starts the embedded broker
 * @param partitions        partitions of every topic this application creates (the ceiling of
 *                          parallel consumers per topic)
 * @param replicationFactor replication of created topics (1 for the embedded broker)
 */
@ConfigurationProperties("app.kafka")
public record KafkaSettings(
        @DefaultValue("") String bootstrapServers,
        @DefaultValue("12") int partitions,
        @DefaultValue("1") short replicationFactor) {

    public boolean embedded() {
        return bootstrapServers == null || bootstrapServers.isBlank();
    }
}

package ai.pipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * One Kafka client configuration for every client: {@code app.kafka.properties} from the
 * environment reach the admin client, the producers built with {@link KafkaConnection#clientConfig}
 * and Camel's kafka component, for a configured cluster (never for the embedded broker).
 */
class KafkaClientConfigTest {

    private static final Map<String, Object> SCRAM_OVER_TLS = Map.of(
            "APP_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9093",
            "APP_KAFKA_PROPERTIES_SECURITY_PROTOCOL", "SASL_SSL",
            "APP_KAFKA_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-512",
            "APP_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
            "APP_KAFKA_PROPERTIES_SSL_TRUSTSTORE_TYPE", "PEM");

    @TempDir
    Path dir;

    /** Named as the JVM's environment, so that Spring maps the names as it maps real environment variables. */
    static KafkaSettings bind(Map<String, Object> environment) {
        MutablePropertySources sources = new MutablePropertySources();
        sources.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment));
        return new Binder(ConfigurationPropertySources.from(sources)).bindOrCreate("app.kafka", KafkaSettings.class);
    }

    @Test
    void clientSettingsBindFromTheEnvironmentUnderTheirKafkaNames() {
        assertThat(bind(SCRAM_OVER_TLS).properties()).containsOnlyKeys("security.protocol", "sasl.mechanism",
                "sasl.jaas.config", "ssl.truststore.type");
        assertThat(bind(Map.of()).properties()).isEmpty();
    }

    @Test
    void everyClientOfAConfiguredClusterTakesTheSharedSettingsOverItsOwn() throws Exception {
        KafkaConnection connection = new KafkaConnection(bind(SCRAM_OVER_TLS), new DataDirectory(dir));
        connection.start();
        try {
            Map<String, Object> producer = connection.clientConfig(Map.of("acks", "all", "security.protocol", "PLAINTEXT"));
            assertThat(producer).containsEntry("acks", "all").containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512").containsEntry("bootstrap.servers", "127.0.0.1:9093");

            try (DefaultCamelContext camel = new DefaultCamelContext()) {
                KafkaComponent component = new KafkaComponent(camel);
                new PlatformConfiguration().kafkaBrokers(connection).configure("kafka", component);
                KafkaConfiguration configuration = component.getConfiguration();
                assertThat(configuration.getBrokers()).isEqualTo("127.0.0.1:9093");
                // Camel puts its additional properties last, over its own securityProtocol (PLAINTEXT by default)
                assertThat(configuration.createProducerProperties()).containsEntry("security.protocol", "SASL_SSL")
                        .containsEntry("sasl.jaas.config", SCRAM_OVER_TLS.get("APP_KAFKA_PROPERTIES_SASL_JAAS_CONFIG"));
                assertThat(configuration.createConsumerProperties()).containsEntry("security.protocol", "SASL_SSL")
                        .containsEntry("ssl.truststore.type", "PEM");
            }
        } finally {
            connection.stop();
        }
    }

    @Test
    void settingsBuiltInCodeHaveNoClientSettings() {
        assertThat(new KafkaSettings("127.0.0.1:9092", 12, (short) 1).clientProperties("127.0.0.1:9092"))
                .containsExactly(Map.entry("bootstrap.servers", "127.0.0.1:9092"));
    }

    @Test
    void theEmbeddedBrokersClientsTakeNoClusterSettings() {
        KafkaSettings settings = bind(Map.of("APP_KAFKA_PROPERTIES_SECURITY_PROTOCOL", "SASL_SSL"));
        assertThat(settings.embedded()).isTrue();
        assertThat(settings.clientProperties("127.0.0.1:9092")).containsExactly(Map.entry("bootstrap.servers", "127.0.0.1:9092"));
    }
}

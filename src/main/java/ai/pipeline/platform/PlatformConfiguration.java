package ai.pipeline.platform;

import ai.pipeline.shared.storage.Storage;
import java.util.HashMap;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.spi.ComponentCustomizer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

@Configuration(proxyBeanMethods = false)
class PlatformConfiguration {

    /**
     * Every Camel {@code kafka:} endpoint talks to the connection chosen above, embedded or not,
     * with the settings all clients share (TLS, SASL), which Camel applies after its own.
     */
    @Bean
    ComponentCustomizer kafkaBrokers(KafkaConnection connection) {
        return ComponentCustomizer.builder(KafkaComponent.class).build(component -> {
            component.getConfiguration().setBrokers(connection.bootstrapServers());
            component.getConfiguration().setAdditionalProperties(new HashMap<>(connection.sharedClientProperties()));
        });
    }

    @Bean
    Storage storage(DataDirectory dataDirectory, @Value("${app.storage.max-file-size:100MB}") DataSize maxFileSize) {
        return new Storage(dataDirectory.storage(), maxFileSize.toBytes());
    }
}

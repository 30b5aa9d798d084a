package ai.pipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.Apps;
import ai.pipeline.testsupport.StandaloneKafka;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The cluster configuration on one machine: a Kafka broker in its own process and a real
 * PostgreSQL. No embedded broker starts, Flyway migrates PostgreSQL, and health reports both.
 */
class ExternalInfrastructureIT {

    @TempDir
    Path dir;

    @Test
    void runsAgainstAnExternalBrokerAndPostgres() throws Exception {
        Files.createDirectories(dir.resolve("pg"));
        try (StandaloneKafka kafka = StandaloneKafka.start(dir.resolve("kafka"));
             EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).setCleanDataDirectory(true).start();
             ConfigurableApplicationContext app = Apps.start(Map.of(
                     "app.data-dir", dir.resolve("data").toString(),
                     "app.kafka.bootstrap-servers", kafka.bootstrapServers(),
                     "spring.datasource.url", postgres.getJdbcUrl("postgres", "postgres"),
                     "spring.datasource.username", "postgres",
                     "spring.datasource.password", "postgres"))) {

            KafkaConnection connection = app.getBean(KafkaConnection.class);
            assertThat(connection.embedded()).isFalse();
            assertThat(connection.bootstrapServers()).isEqualTo(kafka.bootstrapServers());
            assertThat(dir.resolve("data/kafka/logs")).doesNotExist();

            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            // UP once the consumer groups are stable with their partitions assigned (the "consumers" check)
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    "UP".equals(new ApiClient(port).get("/actuator/health").json().path("status").asString()));
            JsonNode health = new ApiClient(port).get("/actuator/health").json();
            assertThat(health.path("components").path("kafka").path("details").path("mode").asString()).isEqualTo("external");
            assertThat(health.path("components").path("db").path("details").path("database").asString()).isEqualTo("PostgreSQL");

            app.getBean(ProducerTemplate.class).sendBody("kafka:external-check", "ping");
            assertThat(app.getBean(ConsumerTemplate.class).receiveBody(
                    "kafka:external-check?groupId=external-check&autoOffsetReset=earliest", 30_000, String.class)).isEqualTo("ping");
        }
    }
}

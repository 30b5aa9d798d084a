package ai.pipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppTest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/** The one-machine system: embedded broker, H2 with the migrated schema, health and metrics. */
@AppTest
class ApplicationIT {

    @LocalServerPort
    int port;

    @Autowired
    KafkaConnection kafka;

    @Autowired
    ProducerTemplate producer;

    @Autowired
    ConsumerTemplate consumer;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void healthIsUpWithKafkaAndDatabase() {
        ApiClient api = new ApiClient(port);
        // ready once every consumer group of this process is stable with its partitions assigned
        await().atMost(Duration.ofSeconds(60)).until(() -> api.get("/readyz").status() == 200);
        JsonNode health = api.get("/actuator/health").json();
        assertThat(health.path("status").asString()).isEqualTo("UP");
        assertThat(health.path("components").path("kafka").path("status").asString()).isEqualTo("UP");
        assertThat(health.path("components").path("kafka").path("details").path("mode").asString()).isEqualTo("embedded");
        assertThat(health.path("components").path("db").path("status").asString()).isEqualTo("UP");

        assertThat(api.get("/livez").status()).isEqualTo(200);
        ApiClient.Response readiness = api.get("/readyz");
        assertThat(readiness.status()).isEqualTo(200);
        assertThat(readiness.json().path("components").has("kafka")).isTrue();
        assertThat(readiness.json().path("components").has("db")).isTrue();
        assertThat(readiness.json().path("components").path("consumers").path("status").asString()).isEqualTo("UP");
        assertThat(readiness.json().path("components").path("consumers").path("details").path("groups_ready").asInt())
                .as("worker, orchestrator and ingress groups").isGreaterThanOrEqualTo(3);
        assertThat(api.get("/actuator/prometheus").body()).contains("jvm_memory_used_bytes");
    }

    @Test
    void camelKafkaEndpointsUseTheEmbeddedBroker() {
        assertThat(kafka.embedded()).isTrue();
        String topic = "foundation-check-" + UUID.randomUUID();
        String uri = "kafka:" + topic + "?groupId=foundation-check&autoOffsetReset=earliest";
        producer.sendBodyAndHeader("kafka:" + topic, "{\"hello\":\"kafka\"}", KafkaConstants.KEY, "chain-1");

        String received = consumer.receiveBody(uri, 30_000, String.class);
        assertThat(received).isEqualTo("{\"hello\":\"kafka\"}");
    }

    @Test
    void flywayCreatedTheExecutionSchema() {
        String chainId = UUID.randomUUID().toString();
        jdbc.update("INSERT INTO pipeline_execution (chain_id, pipeline, status, canvas, source, created_at) "
                + "VALUES (?, 'test', 'PENDING', '{}', 'test', ?)", chainId, OffsetDateTime.now());
        jdbc.update("INSERT INTO task_execution (task_id, chain_id, node, name, state, attempt, max_attempts, created_at) "
                + "VALUES (?, ?, '0', 'core.echo', 'PENDING', 0, 3, ?)", UUID.randomUUID().toString(), chainId, OffsetDateTime.now());
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM task_execution WHERE chain_id = ?", Integer.class, chainId))
                .isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT MAX(version) FROM flyway_schema_history", String.class)).isNotBlank();
    }
}

package ai.pipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.testsupport.Apps;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** Stopping and starting on the same data directory keeps the records and the topics. */
class RestartIT {

    @TempDir
    Path dataDir;

    @Test
    void recordsAndTopicsSurviveARestart() throws Exception {
        String chainId = UUID.randomUUID().toString();
        String topic = "restart-check";
        try (ConfigurableApplicationContext first = Apps.start(Map.of("app.data-dir", dataDir.toString()))) {
            first.getBean(JdbcTemplate.class).update("INSERT INTO pipeline_execution "
                    + "(chain_id, pipeline, status, canvas, source, created_at) VALUES (?, 'test', 'SUCCESS', '{}', 'test', ?)",
                    chainId, OffsetDateTime.now());
            first.getBean(KafkaConnection.class).admin().createTopics(java.util.List.of(new NewTopic(topic, 3, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        try (ConfigurableApplicationContext second = Apps.start(Map.of("app.data-dir", dataDir.toString()))) {
            assertThat(second.getBean(JdbcTemplate.class).queryForObject(
                    "SELECT status FROM pipeline_execution WHERE chain_id = ?", String.class, chainId)).isEqualTo("SUCCESS");
            assertThat(second.getBean(KafkaConnection.class).admin().listTopics().names().get(30, TimeUnit.SECONDS))
                    .contains(topic);
        }
    }
}

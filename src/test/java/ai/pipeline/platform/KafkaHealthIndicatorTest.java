package ai.pipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.testsupport.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health asks Kafka on a thread of its own: with no broker at the configured address, a health
 * request answers DOWN while the question is still unanswered (the admin client waits 3 s for
 * it), rather than waiting for it, and then says the broker does not answer, and where it was asked.
 */
class KafkaHealthIndicatorTest {

    @TempDir
    Path dir;

    @Test
    void answersDownWhileTheClusterHasNotAnsweredInsteadOfWaitingForIt() {
        String nobody = "127.0.0.1:" + FreePorts.pick();
        KafkaConnection connection = new KafkaConnection(new KafkaSettings(nobody, 1, (short) 1), new DataDirectory(dir));
        connection.start();
        // the topics are never asked for: no answer from the cluster means DOWN before them
        KafkaHealthIndicator indicator = new KafkaHealthIndicator(connection, null);
        indicator.afterPropertiesSet();
        try {
            assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    String.valueOf(indicator.health().getDetails().get("error")).startsWith("Kafka has not answered for "));
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    String.valueOf(indicator.health().getDetails().get("error")).startsWith("Kafka does not answer"));
            Health answered = indicator.health();
            assertThat(answered.getStatus()).isEqualTo(Status.DOWN);
            assertThat(answered.getDetails()).containsEntry("bootstrap_servers", nobody).containsEntry("mode", "external");
        } finally {
            indicator.destroy();
            connection.stop();
        }
    }
}

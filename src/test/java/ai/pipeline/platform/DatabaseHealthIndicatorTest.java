package ai.pipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.pipeline.testsupport.FreePorts;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Status;

/**
 * The database's health is asked in the background: UP for a database that answers; for one that
 * cannot be reached, DOWN while the pool still waits for a connection (5 s), then DOWN with the
 * pool's error, which {@code knownDown} gives (starts are refused with it).
 */
class DatabaseHealthIndicatorTest {

    @TempDir
    Path dir;

    @Test
    void upWhenTheDatabaseAnswers() {
        try (HikariDataSource h2 = pool("jdbc:h2:file:" + dir.resolve("db") + ";MODE=PostgreSQL")) {
            DatabaseHealthIndicator indicator = new DatabaseHealthIndicator(h2);
            indicator.afterPropertiesSet();
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> indicator.health().getStatus().equals(Status.UP));
                assertThat(indicator.health().getDetails()).containsEntry("database", "H2");
                assertThat(indicator.knownDown()).isEmpty();
            } finally {
                indicator.destroy();
            }
        }
    }

    @Test
    void downWhileTheDatabaseHasNotAnsweredThenWithWhy() {
        try (HikariDataSource nobody = pool("jdbc:postgresql://127.0.0.1:" + FreePorts.pick() + "/none")) {
            DatabaseHealthIndicator indicator = new DatabaseHealthIndicator(nobody);
            assertThat(indicator.knownDown()).as("before its first answer nothing is known").isEmpty();
            indicator.afterPropertiesSet();
            try {
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        String.valueOf(indicator.health().getDetails().get("error")).startsWith("the database has not answered for "));
                await().atMost(Duration.ofSeconds(20)).until(() -> indicator.health().getDetails().get("error") instanceof String error
                        && !error.contains("has not answered"));
                assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
                assertThat(indicator.knownDown()).get().asString().isNotBlank();
            } finally {
                indicator.destroy();
            }
        }
    }

    private static HikariDataSource pool(String url) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setConnectionTimeout(5_000);
        pool.setInitializationFailTimeout(-1);   // made now, connected when first asked
        return pool;
    }
}

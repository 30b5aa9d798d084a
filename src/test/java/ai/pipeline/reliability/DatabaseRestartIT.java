package ai.pipeline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.testsupport.FreePorts;
import ai.pipeline.testsupport.AppProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, point 3: the application runs as its own process on PostgreSQL (and its embedded
 * broker); under load the database is stopped for 25 s and started again on the same data
 * directory and port. Every start request is either accepted (202) and its pipeline completes, or
 * refused with 503; none is accepted and then lost, and readiness says DOWN while the database is away.
 */
@Tag("reliability")
class DatabaseRestartIT {

    private static final Duration OUTAGE = Duration.ofSeconds(25);

    @TempDir
    Path dir;

    private EmbeddedPostgres postgres;

    @Test
    void requestsDuringADatabaseRestartCompleteOrAreRefusedNoneIsLost() throws IOException {
        Path data = Files.createDirectories(dir.resolve("pg"));
        int port = FreePorts.pick();
        postgres = start(data, port);
        try (AppProcess app = new AppProcess(dir.resolve("app"), Map.of(
                "SPRING_DATASOURCE_URL", postgres.getJdbcUrl("postgres", "postgres"),
                "SPRING_DATASOURCE_USERNAME", "postgres",
                "SPRING_DATASOURCE_PASSWORD", "postgres")).start()) {
            OutageDrill.Result result = OutageDrill.run("database restart", app, this::stop, OUTAGE,
                    () -> postgres = start(data, port), Duration.ofMinutes(3));
            assertThat(result.accepted()).isPositive();
        } finally {
            stop();
            ReliabilityLogs.keep(getClass().getSimpleName(), dir.resolve("app/app.log"));
        }
    }

    /** PostgreSQL on this data directory and port; the data directory is kept when it stops. */
    private static EmbeddedPostgres start(Path data, int port) {
        try {
            return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** pg_ctl stop (fast: open connections are ended), leaving the data directory as it is. */
    private void stop() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            postgres = null;
        }
    }

}

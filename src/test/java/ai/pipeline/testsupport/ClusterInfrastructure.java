package ai.pipeline.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What the application processes of a one-machine cluster share: a Kafka broker in its own process
 * and PostgreSQL (embedded), under {@code dir}; closing it stops both.
 */
public final class ClusterInfrastructure implements AutoCloseable {

    private final StandaloneKafka kafka;
    private final EmbeddedPostgres postgres;

    private ClusterInfrastructure(StandaloneKafka kafka, EmbeddedPostgres postgres) {
        this.kafka = kafka;
        this.postgres = postgres;
    }

    public static ClusterInfrastructure start(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("pg"));
        StandaloneKafka kafka = StandaloneKafka.start(dir.resolve("kafka"));
        try {
            return new ClusterInfrastructure(kafka, EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg"))
                    .setCleanDataDirectory(true).start());
        } catch (IOException | RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    public StandaloneKafka kafka() {
        return kafka;
    }

    public EmbeddedPostgres postgres() {
        return postgres;
    }

    /** The environment of an application process on this broker and database, with {@code more} added (key, value pairs). */
    public Map<String, String> environment(String... more) {
        Map<String, String> environment = new HashMap<>(Map.of(
                "APP_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "SPRING_DATASOURCE_URL", postgres.getJdbcUrl("postgres", "postgres"),
                "SPRING_DATASOURCE_USERNAME", "postgres",
                "SPRING_DATASOURCE_PASSWORD", "postgres"));
        for (int i = 0; i + 1 < more.length; i += 2) {
            environment.put(more[i], more[i + 1]);
        }
        return environment;
    }

    @Override
    public void close() throws IOException {
        try {
            postgres.close();
        } finally {
            kafka.close();
        }
    }
}

package ai.pipeline.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code app.data-dir} (env {@code APP_DATA_DIR}, default {@code ./data}): everything this process
 * writes locally lives below it — the embedded database ({@code db/}), the embedded broker
 * ({@code kafka/}), {@code storage/}, {@code inbox/} and {@code outbox/}.
 */
@ConfigurationProperties("app")
public record DataDirectory(@DefaultValue("./data") Path dataDir) {

    public DataDirectory {
        dataDir = dataDir.toAbsolutePath().normalize();
    }

    public Path root() {
        return dataDir;
    }

    public Path kafka() {
        return dir("kafka");
    }

    public Path storage() {
        return dir("storage");
    }

    public Path inbox() {
        return dir("inbox");
    }

    public Path outbox() {
        return dir("outbox");
    }

    private Path dir(String name) {
        Path dir = dataDir.resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + " (check app.data-dir)", e);
        }
        return dir;
    }
}

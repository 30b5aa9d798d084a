package ai.pipeline.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Keeps an application's log after its temporary data directory is gone: {@code target/reliability-logs/}. */
final class ReliabilityLogs {

    private ReliabilityLogs() {
    }

    static void keep(Path log, String name) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "reliability-logs"));
            if (Files.exists(log)) {
                Files.copy(log, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println("could not keep " + log + ": " + e);
        }
    }
}

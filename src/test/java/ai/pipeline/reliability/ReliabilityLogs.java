package ai.pipeline.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Keeps the processes' logs of a reliability test in {@code target/reliability/<test>/}, where they
 * outlive the temporary data directories: {@code <dir>/app.log} is kept as {@code <dir>-app.log}.
 */
final class ReliabilityLogs {

    private ReliabilityLogs() {
    }

    static void keep(String test, Path... logs) {
        Path target = Path.of("target", "reliability", test);
        try {
            Files.createDirectories(target);
            for (Path log : logs) {
                if (Files.isRegularFile(log)) {
                    Files.copy(log, target.resolve(log.getParent().getFileName() + "-" + log.getFileName()),
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            System.out.println("could not keep the logs: " + e);
        }
    }
}

package ai.pipeline.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The workplace's shared inputs ({@code ../shared}: the YOLOX model, a scanned page with its text, a
 * photo, the CUAD taxonomy). Override the location with {@code -Dshared.dir=...}.
 */
public final class SharedTestData {

    private SharedTestData() {
    }

    public static Path dir() {
        Path dir = Path.of(System.getProperty("shared.dir", "../shared")).toAbsolutePath().normalize();
        assertThat(dir).as("shared test data (set -Dshared.dir)").isDirectory();
        return dir;
    }

    public static Path file(String relative) {
        Path file = dir().resolve(relative);
        assertThat(Files.isRegularFile(file)).as("shared test file %s", file).isTrue();
        return file;
    }
}

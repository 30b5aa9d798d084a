package ai.pipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/supervise}, which {@code bin/run} starts the application with: a command that exits
 * with 75 is started again ({@link ClosedDatabaseRestart}), any other status ends it, and SIGTERM
 * reaches the command, which is then not started again. The command here is a small shell script
 * that counts its starts in a file.
 */
class SuperviseScriptTest {

    @TempDir
    Path dir;

    @Test
    void aCommandThatExitsWith75IsStartedAgainUntilItExitsOtherwise() throws Exception {
        Path command = script("""
                echo start >> "$DIR/starts"
                [ "$(wc -l < "$DIR/starts")" -lt 3 ] && exit 75
                exit 0
                """);
        Process supervise = supervise(command);

        assertThat(supervise.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(supervise.exitValue()).isZero();
        assertThat(Files.readAllLines(dir.resolve("starts"))).hasSize(3);
        assertThat(Files.readString(dir.resolve("supervise.log"))).contains("exited with 75 (start me again)");
    }

    @Test
    void anyOtherStatusEndsItWithThatStatus() throws Exception {
        Process supervise = supervise(script("""
                echo start >> "$DIR/starts"
                exit 3
                """));

        assertThat(supervise.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(supervise.exitValue()).isEqualTo(3);
        assertThat(Files.readAllLines(dir.resolve("starts"))).hasSize(1);
    }

    @Test
    void sigtermReachesTheCommandWhichIsThenNotStartedAgain() throws Exception {
        // the command answers SIGTERM with 75: after a stop asked for, even that does not start it again
        Process supervise = supervise(script("""
                trap 'echo term >> "$DIR/signals"; exit 75' TERM
                echo start >> "$DIR/starts"
                while true; do sleep 0.1; done
                """));
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dir.resolve("starts")));

        supervise.destroy();   // SIGTERM

        assertThat(supervise.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(supervise.exitValue()).isEqualTo(75);
        assertThat(Files.readAllLines(dir.resolve("signals"))).containsExactly("term");
        assertThat(Files.readAllLines(dir.resolve("starts"))).hasSize(1);
    }

    private Path script(String body) throws IOException {
        Path script = dir.resolve("command.sh");
        Files.writeString(script, "#!/usr/bin/env bash\n" + body, StandardCharsets.UTF_8);
        assertThat(script.toFile().setExecutable(true)).isTrue();
        return script;
    }

    private Process supervise(Path command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of("bin", "supervise").toAbsolutePath().toString(), command.toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("supervise.log").toFile());
        builder.environment().put("DIR", dir.toString());
        builder.environment().put("SUPERVISE_PAUSE", "0");
        return builder.start();
    }
}

package ai.pipeline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, point 1: {@value #DEFAULT_PIPELINES} mixed pipelines while the application is killed
 * with SIGKILL {@value #DEFAULT_KILLS} times at random moments and restarted each time on the same
 * data directory (embedded broker and H2). A request cut off by a kill is sent again after the
 * restart under the same request id. At the end every pipeline must be terminal with the expected
 * outcome and the {@link ExactlyOnceAudit} rules must hold.
 * Sizes: {@code -Dsoak.pipelines=}, {@code -Dsoak.kills=}, {@code -Dsoak.seed=}.
 */
@Tag("reliability")
class SigkillSoakIT {

    private static final int DEFAULT_PIPELINES = 2000;
    private static final int DEFAULT_KILLS = 3;

    @TempDir
    Path dataDir;

    @Test
    void everyPipelineEndsOnceThroughThreeSigkills() throws Exception {
        int total = Integer.getInteger("soak.pipelines", DEFAULT_PIPELINES);
        int kills = Integer.getInteger("soak.kills", DEFAULT_KILLS);
        long seed = Long.getLong("soak.seed", System.nanoTime());
        System.out.printf("soak: %d pipelines, %d kills, seed %d (-Dsoak.seed=%d repeats the kill moments)%n", total, kills, seed, seed);
        Random random = new Random(seed);
        Instant begin = Instant.now();

        AtomicReference<AppProcess> app = new AtomicReference<>(new AppProcess(dataDir, Map.of()).start());
        AtomicReference<ApiClient> client = new AtomicReference<>(app.get().api());
        LoadDriver load = new LoadDriver(client::get, "soak");
        List<String> killLog = new ArrayList<>();
        try {
            load.start(total, 40, seed + 1);
            for (int k = 1; k <= kills; k++) {
                long waitMs = 3_000 + random.nextInt(15_000);
                Thread.sleep(waitMs);
                app.get().kill();
                Instant killed = Instant.now();
                int acceptedBefore = load.accepted.size();
                app.set(new AppProcess(dataDir, Map.of()).start());
                client.set(app.get().api());
                killLog.add("kill %d at %d s (%d ms after the last start) with %d accepted; ready again after %d ms".formatted(
                        k, Duration.between(begin, killed).toSeconds(), waitMs, acceptedBefore,
                        Duration.between(killed, Instant.now()).toMillis()));
            }
            load.awaitSubmitted(Duration.ofMinutes(10).toMillis());
            assertThat(load.accepted).hasSize(total);

            Duration drained = Drain.untilAllEnded(client.get(), begin, Duration.ofMinutes(10));
            ExactlyOnceAudit audit = ExactlyOnceAudit.ofSingleApp(app.get(), dataDir, load.accepted);
            killLog.forEach(line -> System.out.println("soak: " + line));
            System.out.printf("soak: all terminal %d s after the first submission; %d requests re-sent after a kill; %s%n",
                    drained.toSeconds(), load.resent.get(), audit);
            assertThat(audit.violations).as(audit.toString()).isEmpty();
            assertThat(audit.pipelines).isEqualTo(total);
        } finally {
            load.stop();
            app.get().kill();
            ReliabilityLogs.keep(getClass().getSimpleName(), dataDir.resolve("app.log"));
        }
    }
}

package ai.pipeline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.testsupport.AppProcess;
import ai.pipeline.testsupport.ProcessMemory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, memory: the single-process system (embedded broker, H2, every role) under a steady mixed
 * load for {@value #DEFAULT_MINUTES} minutes. Once a minute the heap is collected in full
 * ({@code jcmd GC.run}) and what is left is read ({@code jcmd GC.heap_info}); after the warm-up
 * minute, no sample may exceed the first by more than 10% — a leak grows it minute by minute.
 * Resident memory is printed beside it. Then every pipeline must end and the {@link ExactlyOnceAudit}
 * rules hold. Sizes: {@code -Dmemory.minutes=}, {@code -Dmemory.max-pause-ms=} (the pace: a pipeline
 * every half of it on average), {@code -Dmemory.seed=}.
 */
@Tag("reliability")
class MemorySoakIT {

    private static final int DEFAULT_MINUTES = 10;
    /** A heap's line, or each of its generations' (ParallelGC: PSYoungGen and ParOldGen), in GC.heap_info; not Metaspace's. */
    private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");

    @TempDir
    Path dataDir;

    @Test
    void heapAfterGcStaysFlatUnderASteadyLoad() throws Exception {
        int minutes = Integer.getInteger("memory.minutes", DEFAULT_MINUTES);
        int maxPauseMs = Integer.getInteger("memory.max-pause-ms", 300);
        long seed = Long.getLong("memory.seed", System.nanoTime());
        AppProcess app = new AppProcess(dataDir, Map.of()).start();
        try {
            long idleRssMb = ProcessMemory.rssMb(app.pid());
            long idleHeapMb = heapAfterFullGcMb(app.pid());
            System.out.printf("memory: idle rss %d MiB, heap after GC %d MiB; load for %d min, seed %d%n",
                    idleRssMb, idleHeapMb, minutes, seed);
            Instant begin = Instant.now();
            LoadDriver load = new LoadDriver(app::api, "memory").startFor(Duration.ofMinutes(minutes), maxPauseMs, seed);
            List<Long> heapMb = new ArrayList<>();
            try {
                for (int minute = 1; minute <= minutes; minute++) {
                    TimeUnit.MILLISECONDS.sleep(Duration.between(Instant.now(), begin.plus(Duration.ofMinutes(minute))).toMillis());
                    heapMb.add(heapAfterFullGcMb(app.pid()));
                    System.out.printf("memory: minute %d: %d pipelines accepted, %d open; heap after GC %d MiB, rss %d MiB%n",
                            minute, load.accepted.size(), LoadDriver.count(app.api(), "PENDING") + LoadDriver.count(app.api(), "RUNNING"),
                            heapMb.get(heapMb.size() - 1), ProcessMemory.rssMb(app.pid()));
                }
                load.awaitSubmitted(Duration.ofMinutes(1).toMillis());
            } finally {
                load.stop();
            }
            Duration drained = Drain.untilAllEnded(app.api(), begin, Duration.ofMinutes(10));
            long peakRssMb = ProcessMemory.peakRssMb(app.pid());
            ExactlyOnceAudit audit = ExactlyOnceAudit.ofSingleApp(app, dataDir, load.accepted);

            long baseline = heapMb.get(Math.min(1, heapMb.size() - 1));
            long highest = heapMb.stream().skip(1).mapToLong(Long::longValue).max().orElse(baseline);
            System.out.printf("memory: %d pipelines in %d s (%.1f/s), all ended after %d s; heap after GC by minute %s MiB: "
                            + "highest after warm-up %.1f%% of the first; rss idle %d MiB, peak %d MiB; %s%n",
                    load.accepted.size(), minutes * 60, load.accepted.size() / (minutes * 60.0), drained.toSeconds(), heapMb,
                    100.0 * highest / baseline, idleRssMb, peakRssMb, audit);
            assertThat(audit.violations).as(audit.toString()).isEmpty();
            assertThat(highest).as("heap after GC, minute by minute after the warm-up: %s MiB", heapMb)
                    .isLessThanOrEqualTo(Math.round(baseline * 1.10));
        } finally {
            app.kill();
            ReliabilityLogs.keep(getClass().getSimpleName(), dataDir.resolve("app.log"));
        }
    }

    /** Collects the whole heap of process {@code pid} and returns what is still in use, in MiB. */
    private static long heapAfterFullGcMb(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        String heapInfo = jcmd(pid, "GC.heap_info");
        Matcher used = HEAP_USED.matcher(heapInfo);
        long usedKb = 0;
        boolean found = false;
        while (used.find()) {
            usedKb += Long.parseLong(used.group(1));
            found = true;
        }
        assertThat(found).as("jcmd GC.heap_info names the heap in use: %s", heapInfo).isTrue();
        return usedKb / 1024;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid), command).redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(jcmd.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(jcmd.exitValue()).as(output).isZero();
        return output;
    }
}

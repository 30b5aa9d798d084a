package ai.pipeline.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's resident memory as Linux reports it in {@code /proc/<pid>/status}. */
public final class ProcessMemory {

    private ProcessMemory() {
    }

    /** The resident set size now, in MiB. */
    public static long rssMb(long pid) {
        return statusKb(pid, "VmRSS:") / 1024;
    }

    /** The largest resident set size the process has had, in MiB. */
    public static long peakRssMb(long pid) {
        return statusKb(pid, "VmHWM:") / 1024;
    }

    private static long statusKb(long pid, String field) {
        try {
            return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
                    .filter(line -> line.startsWith(field))
                    .mapToLong(line -> Long.parseLong(line.substring(field.length()).replace("kB", "").trim()))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no " + field + " for process " + pid));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

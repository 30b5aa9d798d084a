package ai.pipeline.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time a process has used (user + system), as Linux reports it in {@code /proc/<pid>/stat}. */
public final class ProcessCpu {

    /** Clock ticks per second of {@code /proc} times: 100 on Linux on every architecture we run. */
    private static final long TICKS_PER_SECOND = 100;

    private ProcessCpu() {
    }

    /** Milliseconds of CPU the process used so far; 0 once it has ended. */
    public static long millis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // the command name (field 2) may hold spaces: count fields after its closing parenthesis
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);   // utime, stime
            return ticks * 1000 / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    public static long selfMillis() {
        return millis(ProcessHandle.current().pid());
    }
}

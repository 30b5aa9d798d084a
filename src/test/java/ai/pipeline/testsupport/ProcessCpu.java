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
        return ticks(pid, false) * 1000 / TICKS_PER_SECOND;
    }

    /**
     * Milliseconds of CPU a process and all its descendants used so far: those running now, and
     * those that ended and were waited for (a server that forks a process per connection).
     */
    public static long treeMillis(long pid) {
        long ticks = ticks(pid, true);
        for (ProcessHandle child : ProcessHandle.of(pid).map(p -> p.descendants().toList()).orElse(java.util.List.of())) {
            ticks += ticks(child.pid(), false);
        }
        return ticks * 1000 / TICKS_PER_SECOND;
    }

    private static long ticks(long pid, boolean withEndedChildren) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // the command name (field 2) may hold spaces: count fields after its closing parenthesis
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);   // utime, stime
            return withEndedChildren ? ticks + Long.parseLong(fields[13]) + Long.parseLong(fields[14]) : ticks;   // cutime, cstime
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    public static long selfMillis() {
        return millis(ProcessHandle.current().pid());
    }
}

package ai.pipeline.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

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

    /**
     * Milliseconds of CPU the process's live threads used so far, by thread name with its digits
     * made {@code #} (the broker's {@code data-plane-kafka-network-thread-1-ListenerName(PLAINTEXT)-PLAINTEXT-0},
     * a pool's {@code task-1}, {@code task-2}, ... are one line each; Linux keeps 15 characters of a name).
     */
    public static Map<String, Long> millisByThread(long pid) {
        Map<String, Long> byName = new TreeMap<>();
        try (Stream<Path> threads = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            threads.forEach(thread -> {
                try {
                    String name = Files.readString(thread.resolve("comm")).strip().replaceAll("[0-9]+", "#");
                    byName.merge(name, ticks(thread.resolve("stat"), false) * 1000 / TICKS_PER_SECOND, Long::sum);
                } catch (IOException | RuntimeException ended) {
                    // the thread ended meanwhile
                }
            });
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return byName;
    }

    private static long ticks(long pid, boolean withEndedChildren) {
        return ticks(Path.of("/proc", String.valueOf(pid), "stat"), withEndedChildren);
    }

    private static long ticks(Path statFile, boolean withEndedChildren) {
        try {
            String stat = Files.readString(statFile);
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

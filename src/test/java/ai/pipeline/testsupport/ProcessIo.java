package ai.pipeline.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Bytes a process has written so far, as Linux counts them in {@code /proc/<pid>/io} ({@code wchar}:
 * every write call, to files and sockets, whether or not it reached the disk yet): what a change to
 * the records costs in writes, free of the CPU's noise.
 */
public final class ProcessIo {

    private ProcessIo() {
    }

    /** Bytes written so far; 0 once the process has ended. */
    public static long writtenBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "io"))) {
                if (line.startsWith("wchar:")) {
                    return Long.parseLong(line.substring("wchar:".length()).trim());
                }
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Bytes written so far by a process and the descendants running now (a server with a process per connection). */
    public static long treeWrittenBytes(long pid) {
        long bytes = writtenBytes(pid);
        for (ProcessHandle child : ProcessHandle.of(pid).map(p -> p.descendants().toList()).orElse(java.util.List.of())) {
            bytes += writtenBytes(child.pid());
        }
        return bytes;
    }
}

package ai.pipeline.shared.storage;

import ai.pipeline.shared.task.TaskFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.UUID;

/**
 * The configured storage root ({@code <app.data-dir>/storage}). Every client-supplied path goes
 * through {@link #resolve}: relative to the root, or absolute but inside it; {@code ..} and
 * symbolic links that lead outside are refused.
 */
public class Storage {

    private final Path root;
    private final long maxFileBytes;

    public Storage(Path root, long maxFileBytes) {
        try {
            Files.createDirectories(root);
            this.root = root.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create storage root " + root, e);
        }
        this.maxFileBytes = maxFileBytes;
    }

    public Path root() {
        return root;
    }

    public long maxFileBytes() {
        return maxFileBytes;
    }

    /** The existing regular file a client named, confined to the root. */
    public Path resolve(String clientPath) {
        if (clientPath == null || clientPath.isBlank()) {
            throw TaskFailure.invalidInput("path is empty");
        }
        Path candidate;
        try {
            Path given = Path.of(clientPath);
            candidate = given.isAbsolute() ? given.normalize() : root.resolve(given).normalize();
        } catch (InvalidPathException e) {
            throw TaskFailure.invalidInput("invalid path: " + clientPath);
        }
        if (clientPath.contains("..") || !candidate.startsWith(root)) {
            throw TaskFailure.invalidInput("path is outside the storage root: " + clientPath);
        }
        if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS) && !Files.exists(candidate)) {
            throw TaskFailure.notFound("no such file in storage: " + clientPath);
        }
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (IOException e) {
            throw TaskFailure.notFound("no such file in storage: " + clientPath);
        }
        if (!real.startsWith(root)) {
            throw TaskFailure.invalidInput("path leads outside the storage root: " + clientPath);
        }
        if (!Files.isRegularFile(real)) {
            throw TaskFailure.invalidInput("not a file: " + clientPath);
        }
        return real;
    }

    /** The path clients pass back to us for a file inside the root. */
    public String relativize(Path file) {
        return root.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

    /**
     * Writes a file whole or not at all (a hidden partial file, then a move): a reader never sees half
     * of it, and a file already there is replaced. On a file system that cannot move atomically (some
     * network mounts) the move is a plain one: still never half a file under the target's name.
     */
    public static void writeWhole(Path target, byte[] bytes) throws IOException {
        Files.createDirectories(target.getParent());
        Path partial = target.resolveSibling("." + target.getFileName() + ".part");
        Files.write(partial, bytes);
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Stores an upload under {@code uploads/<date>/<uuid>-<name>} and returns its file; more than
     * {@link #maxFileBytes()} is refused and nothing is left behind.
     */
    public Path store(InputStream content, String originalName) {
        Path dir = root.resolve("uploads").resolve(LocalDate.now().toString());
        Path target = dir.resolve(UUID.randomUUID() + "-" + safeName(originalName));
        try {
            Files.createDirectories(dir);
            copyBounded(content, target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store upload", e);
        }
    }

    /** A temporary copy of an upload for synchronous endpoints; deleted when closed. */
    public TemporaryFile storeTemporary(InputStream content, String originalName) {
        Path dir = root.resolve(".tmp");
        Path target = dir.resolve(UUID.randomUUID() + "-" + safeName(originalName));
        try {
            Files.createDirectories(dir);
            copyBounded(content, target);
            return new TemporaryFile(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store upload", e);
        }
    }

    private void copyBounded(InputStream content, Path target) throws IOException {
        try (InputStream in = new BoundedInputStream(content, maxFileBytes)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (TaskFailure e) {
            Files.deleteIfExists(target);
            throw e;
        }
    }

    /** File name reduced to safe characters; directories dropped. */
    static String safeName(String originalName) {
        String name = originalName == null ? "" : originalName.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1);
        name = name.replaceAll("[^A-Za-z0-9._-]", "_");
        while (name.startsWith(".")) {
            name = name.substring(1);
        }
        if (name.isBlank()) {
            name = "upload";
        }
        return name.length() > 120 ? name.substring(name.length() - 120) : name;
    }

    /** A file that deletes itself when closed. */
    public record TemporaryFile(Path path) implements AutoCloseable {
        @Override
        public void close() {
            try {
                Files.deleteIfExists(path);
            } catch (IOException ignored) {
                // a leftover temp file is harmless; the next cleanup removes it
            }
        }
    }

    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private final long limit;
        private long count;

        BoundedInputStream(InputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            count += n;
            if (count > limit) {
                throw TaskFailure.tooLarge("file is larger than the limit of " + limit + " bytes");
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}

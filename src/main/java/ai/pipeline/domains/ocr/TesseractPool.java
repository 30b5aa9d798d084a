package ai.pipeline.domains.ocr;

import ai.pipeline.shared.task.TaskFailure;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;

/**
 * A fixed number of Tesseract instances, each lent to one thread at a time. Instances are created
 * on first use and keep their languages loaded; a borrower gets an idle instance that already has
 * its languages when there is one, since loading language data costs more than recognising a page.
 */
final class TesseractPool implements AutoCloseable {

    private final Path datapath;
    private final int size;
    private final Semaphore permits;
    private final Deque<TesseractEngine> idle = new ArrayDeque<>();
    private final Map<String, Map<String, Object>> languageData = new ConcurrentHashMap<>();
    private volatile String version;
    private boolean closed;

    TesseractPool(Path datapath, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("pool size must be at least 1");
        }
        this.datapath = datapath;
        this.size = size;
        this.permits = new Semaphore(size, true);
    }

    int size() {
        return size;
    }

    Path datapath() {
        return datapath;
    }

    /** The native library's version ({@code TessVersion()}), e.g. {@code 5.3.0}. */
    String version() {
        String known = version;
        if (known == null) {
            known = TesseractEngine.api().TessVersion();
            version = known;
        }
        return known;
    }

    static boolean hasLanguageData(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".traineddata"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Languages with a {@code .traineddata} file in the datapath ({@code osd} is orientation data, not a language). */
    Set<String> installedLanguages() {
        Set<String> languages = new TreeSet<>();
        try (Stream<Path> files = Files.list(datapath)) {
            files.map(f -> f.getFileName().toString())
                    .filter(name -> name.endsWith(".traineddata") && !name.equals("osd.traineddata"))
                    .forEach(name -> languages.add(name.substring(0, name.length() - ".traineddata".length())));
        } catch (IOException e) {
            // reported below: a missing folder and an empty one are the same misconfiguration
        }
        if (languages.isEmpty()) {
            throw TaskFailure.unavailable("no Tesseract language data in " + datapath
                    + " (set app.ocr.datapath or TESSDATA_PREFIX to the tessdata folder)");
        }
        return languages;
    }

    /** Which file each language came from: name, size and SHA-256, computed once per language. */
    Map<String, Object> languageData(List<String> languages) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (String language : languages) {
            data.put(language, languageData.computeIfAbsent(language, this::describe));
        }
        return data;
    }

    private Map<String, Object> describe(String language) {
        Path file = datapath.resolve(language + ".traineddata");
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            long bytes = in.transferTo(OutputStream.nullOutputStream());
            String sha256 = HexFormat.of().formatHex(in.getMessageDigest().digest());
            return Map.of("file", file.getFileName().toString(), "bytes", bytes, "sha256", sha256);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An instance with {@code languages} loaded, for the calling thread alone until the lease is
     * closed; waits while all instances are lent out.
     */
    Lease borrow(String languages) {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TaskFailure.cancelled();
        }
        TesseractEngine engine = null;
        try {
            engine = takeIdle(languages);
            if (engine == null) {
                engine = new TesseractEngine(datapath);
            }
            engine.load(languages);
            return new Lease(engine);
        } catch (RuntimeException e) {
            if (engine != null) {
                engine.close();
            }
            permits.release();
            throw e;
        }
    }

    private synchronized TesseractEngine takeIdle(String languages) {
        if (closed) {
            throw new IllegalStateException("the Tesseract pool is closed");
        }
        for (Iterator<TesseractEngine> it = idle.iterator(); it.hasNext(); ) {
            TesseractEngine engine = it.next();
            if (languages.equals(engine.languages())) {
                it.remove();
                return engine;
            }
        }
        return idle.pollFirst();
    }

    private void giveBack(TesseractEngine engine, boolean healthy) {
        boolean keep;
        synchronized (this) {
            keep = healthy && !closed;
            if (keep) {
                idle.addFirst(engine);
            }
        }
        if (!keep) {
            engine.close();
        }
        permits.release();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            idle.forEach(TesseractEngine::close);
            idle.clear();
        }
    }

    /** One borrowed instance. Close it to give it back; an instance that failed is discarded. */
    final class Lease implements AutoCloseable {
        private final TesseractEngine engine;
        private boolean healthy = true;
        private boolean returned;

        private Lease(TesseractEngine engine) {
            this.engine = engine;
        }

        TesseractEngine.Recognition recognize(BufferedImage image, int dpi) {
            try {
                return engine.recognize(image, dpi);
            } catch (RuntimeException e) {
                healthy = false;
                throw e;
            }
        }

        @Override
        public void close() {
            if (!returned) {
                returned = true;
                giveBack(engine, healthy);
            }
        }
    }
}

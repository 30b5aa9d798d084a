package ai.pipeline.domains.vision;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@code app.vision.model} into a local file: a path is used as it is; an http(s) URL is
 * downloaded once into the models directory, checked against the expected sha256, and reused on
 * later starts while its hash still matches.
 */
final class ModelFile {

    private static final Logger log = LoggerFactory.getLogger(ModelFile.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(10);

    private ModelFile() {
    }

    static Path resolve(String location, String expectedSha256, Path modelsDir) {
        if (location == null || location.isBlank()) {
            throw new IllegalStateException("no model configured (set app.vision.model / APP_VISION_MODEL)");
        }
        String lower = location.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return download(URI.create(location.trim()), expectedSha256, modelsDir);
        }
        Path file = Path.of(location).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("model file not found: " + file
                    + " (set app.vision.model / APP_VISION_MODEL to a model file or URL)");
        }
        return file;
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path download(URI url, String expectedSha256, Path modelsDir) {
        boolean verify = expectedSha256 != null && !expectedSha256.isBlank();
        Path target = modelsDir.resolve(fileName(url));
        if (Files.isRegularFile(target)) {
            if (!verify || sha256(target).equalsIgnoreCase(expectedSha256.trim())) {
                return target;
            }
            log.warn("{} does not match app.vision.model-sha256; downloading it again", target);
        }
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        try {
            Files.createDirectories(modelsDir);
            log.info("downloading the vision model from {} into {}", url, target);
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(CONNECT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .build();
            HttpResponse<Path> response = http.send(HttpRequest.newBuilder(url).timeout(DOWNLOAD_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofFile(partial));
            if (response.statusCode() != 200) {
                throw new IllegalStateException("cannot download the model from " + url + ": HTTP " + response.statusCode());
            }
            String actual = sha256(partial);
            if (verify && !actual.equalsIgnoreCase(expectedSha256.trim())) {
                throw new IllegalStateException("the model downloaded from " + url + " has sha256 " + actual
                        + ", expected " + expectedSha256.trim() + " (app.vision.model-sha256; set it to the new"
                        + " model's hash, or empty to skip the check)");
            }
            return Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot download the model from " + url + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while downloading the model from " + url, e);
        } finally {
            deleteQuietly(partial);
        }
    }

    /** The URL's last path segment, reduced to safe characters. */
    static String fileName(URI url) {
        String path = url.getPath() == null ? "" : url.getPath();
        String name = path.substring(path.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        return name.isBlank() || name.startsWith(".") ? "model.onnx" : name;
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + message;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover .part file is overwritten by the next download
        }
    }
}

package ai.pipeline.k8s;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Renders a kustomization with the real Kustomize, {@code kubectl kustomize <dir>} (the Kustomize
 * built into kubectl, as {@code kubectl apply -k} uses it), so {@code k8s/} may use all of
 * Kustomize and the tests see exactly what a cluster would get. Without kubectl on the PATH (or at
 * {@code $KUBECTL}) the tests that render are skipped, saying so; {@code bin/setup --test} tells how
 * to get it.
 */
final class Kustomize {

    /** Where to get kubectl, in the message of a skipped test. */
    static final String MISSING = "no kubectl with Kustomize v5 or newer on the PATH (nor at $KUBECTL): the k8s/ manifest tests "
            + "are skipped; install kubectl 1.27 or newer (bin/setup --test says how)";

    private static final Optional<Path> KUBECTL = find();

    private Kustomize() {
    }

    /** Skips the calling test when there is no kubectl. */
    static void assumeAvailable() {
        Assumptions.assumeTrue(KUBECTL.isPresent(), MISSING);
    }

    /** The objects {@code kubectl kustomize dir} renders, in its order; a failure carries Kustomize's message. */
    static List<Map<String, Object>> build(Path dir) {
        assumeAvailable();
        try {
            Path out = Files.createTempFile("kustomize", ".yaml");
            Path err = Files.createTempFile("kustomize", ".err");
            try {
                Process process = new ProcessBuilder(KUBECTL.get().toString(), "kustomize", dir.toString())
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("kubectl kustomize " + dir + " did not finish in 60 s");
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException("kubectl kustomize " + dir + " failed: " + Files.readString(err).strip());
                }
                return documents(Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every YAML document of a text, empty ones left out; a key given twice fails. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> documents(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setCodePointLimit(16 * 1024 * 1024);
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(options)).loadAll(text)) {
            if (document != null) {
                documents.add((Map<String, Object>) document);
            }
        }
        return documents;
    }

    static String id(Map<String, Object> object) {
        return object.get("apiVersion") + " " + object.get("kind") + " " + name(object);
    }

    @SuppressWarnings("unchecked")
    static String name(Map<String, Object> object) {
        return (String) ((Map<String, Object>) object.get("metadata")).get("name");
    }

    /** kubectl at $KUBECTL or on the PATH, if its Kustomize is v5 or newer (older ones lack fields k8s/ uses). */
    private static Optional<Path> find() {
        String configured = System.getenv("KUBECTL");
        Optional<Path> kubectl = Optional.empty();
        if (configured != null && !configured.isBlank()) {
            kubectl = Optional.of(Path.of(configured)).filter(Files::isExecutable);
        } else {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, "kubectl");
                if (Files.isExecutable(candidate)) {
                    kubectl = Optional.of(candidate);
                    break;
                }
            }
        }
        return kubectl.filter(Kustomize::kustomizeV5OrNewer);
    }

    private static boolean kustomizeV5OrNewer(Path kubectl) {
        try {
            Process process = new ProcessBuilder(kubectl.toString(), "version", "--client").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(30, TimeUnit.SECONDS);
            Matcher version = Pattern.compile("Kustomize Version: v(\\d+)\\.").matcher(output);
            return version.find() && Integer.parseInt(version.group(1)) >= 5;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

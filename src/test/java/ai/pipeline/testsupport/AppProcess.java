package ai.pipeline.testsupport;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The application as a separate process, started as {@code bin/run} starts it (the jar unpacked by
 * {@code bin/unpack}, with its class-data-sharing archive), for tests and benchmarks that must kill
 * it or measure it from outside. The jar is built by {@code ./mvnw package}, which runs before the
 * integration tests; the first start in a test JVM unpacks it.
 */
public final class AppProcess implements AutoCloseable {

    private static boolean unpacked;

    private final Path dataDir;
    private final Map<String, String> environment;
    private final int port;
    private final Path log;
    private Process process;

    public AppProcess(Path dataDir, Map<String, String> environment) {
        this.dataDir = dataDir;
        this.environment = environment;
        this.port = FreePorts.pick();
        this.log = dataDir.resolve("app.log");
    }

    public static Path jar() {
        Path jar = Path.of("target", "ai-pipeline.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("build the jar first: ./mvnw -DskipTests package");
        }
        return jar;
    }

    /** Runs {@code bin/unpack} once per JVM (it does nothing while its output is newer than the jar). */
    private static synchronized void unpack() {
        if (unpacked) {
            return;
        }
        jar();
        try {
            Process unpack = new ProcessBuilder("bin/unpack").inheritIO().start();
            if (!unpack.waitFor(5, TimeUnit.MINUTES) || unpack.exitValue() != 0) {
                throw new IllegalStateException("bin/unpack failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        unpacked = true;
    }

    /** Starts the process and waits until it answers {@code /readyz}. */
    public AppProcess start() {
        unpack();
        try {
            Files.createDirectories(dataDir);
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "@" + Path.of("src", "main", "jvm", "jvm.options").toAbsolutePath(),
                    "-XX:SharedArchiveFile=" + Path.of("target", "run", "ai-pipeline.jsa").toAbsolutePath(), "-Xmx1g",
                    "-jar", Path.of("target", "run", "ai-pipeline.jar").toAbsolutePath().toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().put("APP_DATA_DIR", dataDir.toAbsolutePath().toString());
            builder.environment().put("SERVER_PORT", String.valueOf(port));
            // where the other processes forward calls that need the engine while this one holds the lease
            builder.environment().put("APP_ENGINE_ADVERTISED_URL", "http://127.0.0.1:" + port);
            builder.environment().put("OMP_THREAD_LIMIT", "1");
            builder.environment().put("APP_VISION_MODEL", SharedTestData.file("models/yolox_nano.onnx").toString());
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ApiClient api = api();
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the application exited with " + process.exitValue() + "; see " + log);
            }
            try {
                return api.get("/readyz").status() == 200;
            } catch (UncheckedIOException notYet) {
                return false;
            }
        });
        return this;
    }

    public ApiClient api() {
        return new ApiClient(port);
    }

    public long pid() {
        return process.pid();
    }

    /** The embedded broker's address, as health reports it. */
    public String kafkaBootstrapServers() {
        return api().get("/actuator/health").json().path("components").path("kafka").path("details")
                .path("bootstrap_servers").asString();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    public void kill() {
        if (process == null) {
            return;   // never started (its start failed): the failure that stopped it is what the test reports
        }
        process.destroyForcibly();
        waitFor();
    }

    /** SIGTERM: a graceful shutdown. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            waitFor();
        }
    }

    private void waitFor() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

}

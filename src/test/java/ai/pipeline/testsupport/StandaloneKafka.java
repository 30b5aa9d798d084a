package ai.pipeline.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A Kafka broker in its own JVM process, started from the Kafka jars on the test classpath: the
 * "external cluster" of the one-machine tests. {@link #stop()} and {@link #restart()} take it away
 * and bring it back on the same port and log directory (an outage); close it to stop the process.
 */
public final class StandaloneKafka implements AutoCloseable {

    private final Path dir;
    private final Path config;
    private final int port;
    private Process process;

    private StandaloneKafka(Path dir, Path config, int port) {
        this.dir = dir;
        this.config = config;
        this.port = port;
    }

    public static StandaloneKafka start(Path dir) {
        try {
            int port = FreePorts.pick();
            int controllerPort = FreePorts.pick();
            Files.createDirectories(dir);
            Properties props = new Properties();
            props.put("process.roles", "broker,controller");
            props.put("node.id", "1");
            props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            props.put("controller.listener.names", "CONTROLLER");
            props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            props.put("log.dirs", dir.resolve("logs").toString());
            props.put("offsets.topic.replication.factor", "1");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("group.initial.rebalance.delay.ms", "0");
            Path config = dir.resolve("server.properties");
            try (Writer writer = Files.newBufferedWriter(config)) {
                props.store(writer, null);
            }
            run(dir.resolve("format.log"), "kafka.tools.StorageTool", "format", "-t", UUID.randomUUID().toString(),
                    "-c", config.toString(), "--ignore-formatted").waitFor();
            StandaloneKafka kafka = new StandaloneKafka(dir, config, port);
            kafka.restart();
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts the broker process (again, after {@link #stop()}) on the same ports, configuration and
     * log directory, and waits until it listens: what it had stored before is there again.
     */
    public synchronized void restart() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the broker is running");
        }
        try {
            process = java(dir.resolve("broker.log"), "kafka.Kafka", config.toString());
            awaitListening(Duration.ofSeconds(180));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the broker process (SIGTERM: a controlled shutdown) and waits until it has exited. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public synchronized long pid() {
        return process.pid();
    }

    private void awaitListening(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("standalone Kafka exited with " + process.exitValue());
            }
            try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        close();
        throw new IllegalStateException("standalone Kafka did not listen on " + port + " within " + timeout);
    }

    private static Process run(Path log, String mainClass, String... args) throws IOException {
        return java(log, mainClass, args);
    }

    private static Process java(Path log, String mainClass, String... args) throws IOException {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(javaBin, "-Xmx512m", "-cp",
                System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }


    @Override
    public void close() {
        stop();
    }
}

package ai.pipeline.platform;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker (combined broker and KRaft controller) running inside this JVM, listening on
 * loopback only, with its logs under {@code <data-dir>/kafka} so topics and records survive a
 * restart. Used only when no external cluster is configured.
 */
final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    static EmbeddedKafkaBroker start(Path dir, int partitions) {
        long begin = System.nanoTime();
        int port = freePort();
        int controllerPort = freePort();
        Path logDir = dir.resolve("logs");
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        props.put("num.partitions", String.valueOf(partitions));
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "12");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        // a group's first rebalance waits this long for more members: a route's consumers (consumersCount) join a
        // few ms apart, and without it the first took every partition, began, and lost them to a rebalance at
        // once (duplicate work and "Offset commit failed … not aware of this member" at every start; Kafka's default: 3 s)
        props.put("group.initial.rebalance.delay.ms", "300");
        // one process's clients are all this broker serves: Kafka's defaults (3 network, 8 request handler and 4
        // group coordinator threads) are sized for a shared cluster; on 2 cores one of each costs less CPU per
        // request (a lone chain3: 38 -> 29 ms of CPU, p50 23 -> 18 ms; docs/performance.md, step 18)
        props.put("num.network.threads", "1");
        props.put("num.io.threads", "1");
        props.put("group.coordinator.threads", "1");
        // the log cleaner's map of a compacted topic's keys (here only the broker's own: consumer offsets) lives on
        // the application's heap: Kafka's default, 128 MiB, was half of the heap in use after a collection. 16 MiB
        // holds about 600,000 keys a pass, far more than this broker's groups commit offsets for
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        props.put("auto.create.topics.enable", "true");
        props.put("log.retention.hours", "168");
        props.put("message.max.bytes", String.valueOf(KafkaTopics.MAX_MESSAGE_BYTES));
        try {
            Files.createDirectories(logDir);
            Path config = dir.resolve("server.properties");
            try (Writer writer = Files.newBufferedWriter(config)) {
                props.store(writer, "written at every start of the embedded broker; ports change between starts");
            }
            format(config, logDir);
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
            server.startup();
            String bootstrap = "127.0.0.1:" + port;
            log.info("Embedded Kafka broker (KRaft) started at {} with data in {} in {} ms",
                    bootstrap, logDir, (System.nanoTime() - begin) / 1_000_000);
            return new EmbeddedKafkaBroker(server, bootstrap);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded Kafka broker in " + dir, e);
        }
    }

    /** Formats the log directory once; a directory formatted by an earlier start is kept as it is. */
    private static void format(Path config, Path logDir) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int rc = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c",
                config.toString(), "--ignore-formatted"}, new PrintStream(output, true, StandardCharsets.UTF_8));
        if (rc != 0) {
            throw new IllegalStateException("formatting Kafka storage failed: " + output.toString(StandardCharsets.UTF_8));
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on loopback", e);
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        long begin = System.nanoTime();
        server.shutdown();
        server.awaitShutdown();
        log.info("Embedded Kafka broker stopped in {} ms", (System.nanoTime() - begin) / 1_000_000);
    }
}

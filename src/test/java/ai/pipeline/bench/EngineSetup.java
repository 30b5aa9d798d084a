package ai.pipeline.bench;

import ai.pipeline.testsupport.AppProcess;
import ai.pipeline.testsupport.FreePorts;
import ai.pipeline.testsupport.StandaloneKafka;
import ai.pipeline.testsupport.ProcessCpu;
import ai.pipeline.testsupport.ProcessIo;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * What the engine benchmark runs against, chosen by system properties: the broker
 * ({@code bench.kafka=embedded|external}: in the application's process, or a Kafka broker process of
 * its own), the database ({@code bench.db=h2|postgres}) and the number of full application instances
 * ({@code bench.apps=1..}; more than one needs a broker and a database they can share, so it implies
 * {@code external} and {@code postgres}).
 */
final class EngineSetup implements AutoCloseable {

    final boolean externalKafka;
    final boolean postgres;
    private final int instances;
    private long postgresPid;
    /** The application processes, once {@link #start} has started them. */
    final List<AppProcess> apps = new ArrayList<>();
    private final List<AutoCloseable> infrastructure = new ArrayList<>();
    private String bootstrapServers;
    private StandaloneKafka kafka;
    /** The JMX port of the application whose process runs the embedded broker (0: the broker runs on its own). */
    private int brokerJmxPort;

    private EngineSetup(boolean externalKafka, boolean postgres, int instances) {
        this.externalKafka = externalKafka;
        this.postgres = postgres;
        this.instances = instances;
    }

    static EngineSetup fromSystemProperties() {
        int apps = Integer.getInteger("bench.apps", 1);
        boolean external = apps > 1 || System.getProperty("bench.kafka", "embedded").equals("external");
        boolean postgres = apps > 1 || System.getProperty("bench.db", "h2").equals("postgres");
        return new EngineSetup(external, postgres, apps);
    }

    /** Starts the broker and the database if they are external, then every application instance together. */
    EngineSetup start(Path dir, Map<String, String> appEnvironment) throws IOException {
        Map<String, String> environment = new HashMap<>(appEnvironment);
        if (externalKafka) {
            kafka = StandaloneKafka.start(dir.resolve("kafka"));
            infrastructure.add(kafka);
            bootstrapServers = kafka.bootstrapServers();
            environment.put("APP_KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        }
        if (postgres) {
            EmbeddedPostgres database = EmbeddedPostgres.builder().setDataDirectory(Files.createDirectories(dir.resolve("pg")))
                    .setCleanDataDirectory(true).start();
            infrastructure.add(database);
            // the postmaster's pid is the first line of postmaster.pid in its data directory
            postgresPid = Long.parseLong(Files.readAllLines(dir.resolve("pg").resolve("postmaster.pid")).get(0).trim());
            environment.put("SPRING_DATASOURCE_URL", database.getJdbcUrl("postgres", "postgres"));
            environment.put("SPRING_DATASOURCE_USERNAME", "postgres");
            environment.put("SPRING_DATASOURCE_PASSWORD", "postgres");
        }
        if (!externalKafka) {
            // the embedded broker's request counters (kafka.network:type=RequestMetrics) are read over JMX
            brokerJmxPort = FreePorts.pick();
            environment.merge("JAVA_TOOL_OPTIONS", "-Dcom.sun.management.jmxremote.port=" + brokerJmxPort
                    + " -Dcom.sun.management.jmxremote.authenticate=false -Dcom.sun.management.jmxremote.ssl=false",
                    (given, jmx) -> given + " " + jmx);
        }
        for (int i = 1; i <= instances; i++) {
            apps.add(new AppProcess(dir.resolve("app" + i), environment));
        }
        CompletableFuture.allOf(apps.stream().map(app -> CompletableFuture.runAsync(app::start))
                .toArray(CompletableFuture[]::new)).join();
        if (bootstrapServers == null) {
            bootstrapServers = apps.get(0).kafkaBootstrapServers();
        }
        return this;
    }

    /**
     * The CPU milliseconds used so far by every process the benchmark counts, by name: app1…, the
     * broker when it runs on its own, PostgreSQL (its server process and every backend it started:
     * they run on the same cores) and the driver.
     */
    Map<String, Long> cpuMillis() {
        return perProcess(ProcessCpu::millis, ProcessCpu::treeMillis, ProcessCpu.selfMillis());
    }

    /** The bytes written so far ({@link ProcessIo}) by the same processes as {@link #cpuMillis}. */
    Map<String, Long> writtenBytes() {
        return perProcess(ProcessIo::writtenBytes, ProcessIo::treeWrittenBytes, ProcessIo.writtenBytes(ProcessHandle.current().pid()));
    }

    private Map<String, Long> perProcess(java.util.function.LongUnaryOperator single, java.util.function.LongUnaryOperator tree, long driver) {
        Map<String, Long> values = new java.util.LinkedHashMap<>();
        for (int i = 0; i < apps.size(); i++) {
            values.put("app" + (i + 1), single.applyAsLong(apps.get(i).pid()));
        }
        if (kafka != null) {
            values.put("broker", single.applyAsLong(kafka.pid()));
        }
        if (postgresPid != 0) {
            values.put("database", tree.applyAsLong(postgresPid));
        }
        values.put("driver", driver);
        return values;
    }

    /**
     * A sum over every instance's Prometheus endpoint, e.g. {@code ai_engine_group_commit_seconds_count}
     * (the group commits stored so far) or {@code ai_engine_group_commit_seconds_sum}.
     */
    double meterSum(String name) {
        double sum = 0;
        for (AppProcess app : apps) {
            for (String line : app.api().get("/actuator/prometheus").body().split("\\n")) {
                if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return sum;
    }

    /**
     * The requests the embedded broker has answered so far, by type ({@code Produce}, {@code Fetch},
     * {@code OffsetCommit}, …): each costs CPU in the broker and in the client threads it wakes, which
     * a lone run pays in latency on two cores. Empty when the broker runs in a process of its own.
     */
    Map<String, Long> brokerRequests() {
        Map<String, Long> counts = new TreeMap<>();
        if (brokerJmxPort == 0) {
            return counts;
        }
        try (JMXConnector connector = JMXConnectorFactory.connect(
                new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + brokerJmxPort + "/jmxrmi"))) {
            MBeanServerConnection jmx = connector.getMBeanServerConnection();
            for (ObjectName name : jmx.queryNames(
                    new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,*"), null)) {
                counts.merge(name.getKeyProperty("request"), ((Number) jmx.getAttribute(name, "Count")).longValue(), Long::sum);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not read the broker's request counts over JMX", e);
        }
        return counts;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** For the results: {@code kafka=external db=postgres apps=3}. */
    String describe() {
        return "kafka=%s db=%s apps=%d".formatted(externalKafka ? "external" : "embedded", postgres ? "postgres" : "h2", instances);
    }

    @Override
    public void close() throws Exception {
        for (AppProcess app : apps) {
            app.stop();
        }
        for (int i = infrastructure.size() - 1; i >= 0; i--) {
            infrastructure.get(i).close();
        }
    }
}

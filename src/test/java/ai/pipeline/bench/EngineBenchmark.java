package ai.pipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.AppProcess;
import ai.pipeline.testsupport.ProcessCpu;
import ai.pipeline.testsupport.ProcessMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The engine benchmark ({@code bench/engine [scale] [options]}): starts the system as its own
 * process(es) on fresh data directories ({@link EngineSetup}: embedded or external broker, H2 or
 * PostgreSQL, 1 to 3 full instances), submits canvases of {@code core.echo} through the Kafka
 * ingress as fast as it can, observes completion on {@code ai.pipeline.events}, and prints one JSON
 * line per case, then each process's resident memory idle and at its peak under the load. Each
 * throughput case also gives the rate at which SUCCESS became visible in SQL, the lag from a
 * pipeline's terminal event to its SUCCESS in SQL (p50/p99, matched by rank, 50 ms resolution) and
 * the CPU milliseconds per 1,000 pipelines of every process (the apps, a broker of its own, the driver).
 * Nothing is configured differently from production.
 */
@Tag("benchmark")
class EngineBenchmark {

    /** The orchestrator's group commits (one database transaction each) and the seconds they took, in Prometheus. */
    private static final String COMMITS = "ai_engine_group_commit_seconds_count";
    private static final String COMMIT_SECONDS = "ai_engine_group_commit_seconds_sum";
    private static final String ECHO = "{\"task\": \"core.echo\"}";
    private static final Map<String, String> CANVASES = Map.of(
            "single", ECHO,
            "chain3", "{\"chain\": [" + ECHO + "," + ECHO + "," + ECHO + "]}",
            "group2", "{\"group\": [" + ECHO + "," + ECHO + "]}",
            "chord2", "{\"chord\": {\"header\": [" + ECHO + "," + ECHO + "], \"body\": " + ECHO + "}}",
            "chain4", "{\"chain\": [" + ECHO + "," + ECHO + "," + ECHO + "," + ECHO + "]}");

    @Test
    void engine() throws Exception {
        double scale = Double.parseDouble(System.getProperty("bench.scale", "1"));
        int n = Math.max(100, (int) (3000 * scale));
        Path dir = Files.createTempDirectory("bench-engine");
        Path results = Path.of("bench", "results", "engine-" + Instant.now().toString().replace(':', '-') + ".jsonl");
        Files.createDirectories(results.getParent());
        // e.g. BENCH_JAVA_TOOL_OPTIONS=-XX:StartFlightRecording=filename=bench.jfr to profile the system under load
        String jvmOptions = System.getenv().getOrDefault("BENCH_JAVA_TOOL_OPTIONS", "");
        try (EngineSetup setup = EngineSetup.fromSystemProperties()
                .start(dir, jvmOptions.isBlank() ? Map.of() : Map.of("JAVA_TOOL_OPTIONS", jvmOptions));
             Client client = new Client(setup)) {
            System.out.println("bench/engine: " + setup.describe());
            // idle: started, topics created, consumer groups formed, nothing submitted yet
            TimeUnit.SECONDS.sleep(10);
            long[] idleRssMb = setup.apps.stream().mapToLong(app -> ProcessMemory.rssMb(app.pid())).toArray();
            List<String> lines = new ArrayList<>();
            try (RssSampler underLoad = new RssSampler(setup.apps)) {
                client.throughput("warmup", CANVASES.get("chain3"), Math.max(500, n / 4));
                // -Dbench.cases=chord2,chain3 runs only those throughput cases (an A/B of one shape)
                for (String name : System.getProperty("bench.cases", "single,chain3,group2,chord2,chain4").split(",")) {
                    lines.add(client.throughput(name, CANVASES.get(name), n));
                }
                lines.add(client.isolated("chain3_isolated", CANVASES.get("chain3"), 200));
                lines.add(client.isolated("chord2_isolated", CANVASES.get("chord2"), 200));
                for (int i = 0; i < setup.apps.size(); i++) {
                    lines.add(String.format(Locale.ROOT, "{\"case\": \"memory\", \"app\": %d, \"rss_idle_mb\": %d, \"rss_peak_mb\": %d}",
                            i + 1, idleRssMb[i], underLoad.peakMb[i]));
                }
            }
            for (String line : lines) {
                String withSetup = line.replaceFirst("^\\{", "{\"setup\": \"" + setup.describe() + "\", ");
                System.out.println(withSetup);
                Files.writeString(results, withSetup + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        }
    }

    /** The largest resident set of each application process while the benchmark runs, sampled every 250 ms. */
    private static final class RssSampler implements AutoCloseable {
        final long[] peakMb;
        private final Thread thread;

        RssSampler(List<AppProcess> apps) {
            peakMb = new long[apps.size()];
            thread = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    for (int i = 0; i < apps.size(); i++) {
                        peakMb[i] = Math.max(peakMb[i], ProcessMemory.rssMb(apps.get(i).pid()));
                    }
                    try {
                        TimeUnit.MILLISECONDS.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-rss");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            thread.interrupt();
            thread.join();
        }
    }

    /** Submits requests to {@code ai.pipeline.requests} and times them until their pipeline event. */
    private final class Client implements AutoCloseable {
        private final KafkaProducer<String, String> producer;
        private final PipelineEndEvents events;
        private final Map<String, Long> submitted = new ConcurrentHashMap<>();
        private final Map<String, Long> finished = new ConcurrentHashMap<>();
        private final AtomicInteger failed = new AtomicInteger();
        private final EngineSetup setup;
        private final ApiClient api;

        Client(EngineSetup setup) {
            this.setup = setup;
            this.api = setup.apps.get(0).api();
            String bootstrap = setup.bootstrapServers();
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
            producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
            events = new PipelineEndEvents(bootstrap, (event, status, arrivedNanos, arrivedAt) -> {
                String requestId = event.path("request_id").asString();
                if (submitted.containsKey(requestId) && finished.putIfAbsent(requestId, arrivedNanos) == null
                        && !status.equals("SUCCESS")) {
                    failed.incrementAndGet();
                }
            });
        }

        private String submit(String name, String canvas, int i) {
            String requestId = name + "-" + i + "-" + UUID.randomUUID();
            String request = "{\"canvas\": " + canvas + ", \"input\": {\"n\": " + i + "}, \"request_id\": \"" + requestId + "\"}";
            submitted.put(requestId, System.nanoTime());
            producer.send(new ProducerRecord<>("ai.pipeline.requests", requestId, request));
            return requestId;
        }

        String throughput(String name, String canvas, int n) throws InterruptedException {
            List<String> ids = new ArrayList<>(n);
            Map<String, Long> cpuBefore = setup.cpuMillis();
            Map<String, Long> threadsBefore = ProcessCpu.millisByThread(setup.apps.get(0).pid());
            Map<String, Long> writtenBefore = setup.writtenBytes();
            double commitsBefore = setup.meterSum(COMMITS);
            double commitSecondsBefore = setup.meterSum(COMMIT_SECONDS);
            long storedBefore = storedSuccesses();
            long start = System.nanoTime();
            try (SqlSampler sql = new SqlSampler(storedBefore)) {
                for (int i = 0; i < n; i++) {
                    ids.add(submit(name, canvas, i));
                }
                producer.flush();
                awaitAll(ids, Duration.ofMinutes(10));
                long end = ids.stream().mapToLong(finished::get).max().orElse(start);
                long[] eventTimes = ids.stream().mapToLong(finished::get).sorted().toArray();
                sql.awaitCount(n, Duration.ofSeconds(60));
                double commits = setup.meterSum(COMMITS) - commitsBefore;
                String cpu = perThousand(cpuBefore, setup.cpuMillis(), n, 1);
                String byThread = byThread(threadsBefore, n / 1000.0, "%.0f");
                String written = perThousand(writtenBefore, setup.writtenBytes(), n, 1024);
                double[] lags = sql.lagsMs(eventTimes);
                String extra = String.format(Locale.ROOT,
                        ", \"sql_success_per_s\": %.1f, \"event_to_sql_lag_p50_ms\": %.1f, \"event_to_sql_lag_p99_ms\": %.1f, "
                                + "\"cpu_ms_per_1000\": {%s}, \"app1_cpu_ms_per_1000_by_thread\": {%s}, \"written_kb_per_1000\": {%s}, "
                                + "\"group_commits\": %.0f, \"group_commit_ms_mean\": %.1f",
                        n / ((sql.timeOf(n) - start) / 1e9), percentile(lags, 50), percentile(lags, 99), cpu, byThread, written,
                        commits, (setup.meterSum(COMMIT_SECONDS) - commitSecondsBefore) * 1000 / Math.max(1, commits));
                return line(name, ids, n / ((end - start) / 1e9)).replaceFirst("}$", extra + "}");
            }
        }

        /**
         * Where the (first) application's CPU went since {@code before} ({@link ProcessCpu#millisByThread}),
         * divided by {@code divisor}: the threads that took the most first, those under 0.1 left out.
         */
        private String byThread(Map<String, Long> before, double divisor, String format) {
            return ProcessCpu.millisByThread(setup.apps.get(0).pid()).entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / divisor))
                    .filter(e -> e.getValue() >= 0.1)
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .map(e -> String.format(Locale.ROOT, "\"%s\": " + format, e.getKey().replace("\"", ""), e.getValue()))
                    .collect(Collectors.joining(", "));
        }

        /** {@code "app1": 2287, "driver": 950}: what each process spent between the two readings per 1,000 pipelines, in units of {@code unit}. */
        private static String perThousand(Map<String, Long> before, Map<String, Long> after, int n, double unit) {
            return perProcess(before, after, n / 1000.0 * unit, "%.0f");
        }

        /** {@code "app1": 22.9, "driver": 3.6}: what each process spent between the two readings, divided by {@code divisor}. */
        private static String perProcess(Map<String, Long> before, Map<String, Long> after, double divisor, String format) {
            StringBuilder perProcess = new StringBuilder();
            after.forEach((process, value) -> perProcess.append(perProcess.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT,
                    "\"%s\": " + format, process, (value - before.getOrDefault(process, 0L)) / divisor)));
            return perProcess.toString();
        }

        /** Pipelines the database holds as SUCCESS (what the API's history counts). */
        private long storedSuccesses() {
            return api.get("/api/v1/pipelines/history?status=SUCCESS&size=1").json().path("data").path("total").asLong();
        }

        /**
         * Samples how many pipelines the database holds as SUCCESS, every 50 ms (a COUNT over the
         * table: sampled faster, the benchmark itself loads the system), while a case runs:
         * the k-th SUCCESS stored is matched with the k-th SUCCESS event to give the event→SQL lag.
         */
        private final class SqlSampler implements AutoCloseable {
            private final long base;
            private final List<long[]> samples = java.util.Collections.synchronizedList(new ArrayList<>());
            private final Thread thread;

            SqlSampler(long base) {
                this.base = base;
                thread = new Thread(() -> {
                    try {
                        while (!Thread.currentThread().isInterrupted()) {
                            long count = storedSuccesses() - base;
                            samples.add(new long[] {System.nanoTime(), count});
                            TimeUnit.MILLISECONDS.sleep(50);
                        }
                    } catch (InterruptedException | IllegalStateException stopped) {
                        // closed, possibly in the middle of a request (ApiClient wraps the interrupt)
                    }
                }, "bench-sql");
                thread.start();
            }

            void awaitCount(int n, Duration atMost) throws InterruptedException {
                long deadline = System.nanoTime() + atMost.toNanos();
                while (timeOf(n) == Long.MAX_VALUE && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(10);
                }
                if (timeOf(n) == Long.MAX_VALUE) {
                    throw new AssertionError("the database holds fewer than " + n + " new SUCCESS pipelines after " + atMost);
                }
            }

            /** When the database first held {@code k} of this case's SUCCESS pipelines (nanoTime), or MAX_VALUE. */
            long timeOf(long k) {
                synchronized (samples) {
                    for (long[] sample : samples) {
                        if (sample[1] >= k) {
                            return sample[0];
                        }
                    }
                }
                return Long.MAX_VALUE;
            }

            double[] lagsMs(long[] sortedEventTimes) {
                double[] lags = new double[sortedEventTimes.length];
                for (int k = 0; k < lags.length; k++) {
                    lags[k] = (timeOf(k + 1) - sortedEventTimes[k]) / 1e6;
                }
                java.util.Arrays.sort(lags);
                return lags;
            }

            @Override
            public void close() throws InterruptedException {
                thread.interrupt();
                thread.join();
            }
        }

        String isolated(String name, String canvas, int n) throws InterruptedException {
            List<String> ids = new ArrayList<>(n);
            Map<String, Long> cpuBefore = setup.cpuMillis();
            Map<String, Long> threadsBefore = ProcessCpu.millisByThread(setup.apps.get(0).pid());
            Map<String, Long> requestsBefore = setup.brokerRequests();
            double commitsBefore = setup.meterSum(COMMITS);
            for (int i = 0; i < n; i++) {
                String id = submit(name, canvas, i);
                producer.flush();
                ids.add(id);
                awaitAll(List.of(id), Duration.ofSeconds(30));
            }
            long total = ids.stream().mapToLong(id -> finished.get(id) - submitted.get(id)).sum();
            // CPU a run costs when it runs alone: on two cores, latency follows it as much as any wait
            String perRun = perProcess(cpuBefore, setup.cpuMillis(), n, "%.1f");
            String byThread = byThread(threadsBefore, n, "%.1f");
            // each group commit of a lone run is a database commit of its own (with H2, pages written)
            double commitsPerRun = (setup.meterSum(COMMITS) - commitsBefore) / n;
            // the embedded broker's requests per run, by type (the driver's own included: a request and its end event)
            StringBuilder requests = new StringBuilder();
            setup.brokerRequests().forEach((type, count) -> {
                double perType = (count - requestsBefore.getOrDefault(type, 0L)) / (double) n;
                if (perType >= 0.05 && !type.equals("FetchConsumer")) {
                    requests.append(requests.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "\"%s\": %.2f", type, perType));
                }
            });
            IsolatedHops.Hops hops = IsolatedHops.of(setup.bootstrapServers(), ids);
            return line(name, ids, n / (total / 1e9)).replaceFirst("}$", ", \"cpu_ms_per_run\": {" + perRun
                    + "}, \"app1_cpu_ms_per_run_by_thread\": {" + byThread
                    + String.format(Locale.ROOT, "}, \"group_commits_per_run\": %.2f", commitsPerRun)
                    + (requests.isEmpty() ? "" : ", \"kafka_requests_per_run\": {" + requests + "}")
                    + ", \"hops_p50\": " + hops.p50() + ", \"hops_mean\": " + hops.mean() + "}");
        }

        private void awaitAll(List<String> ids, Duration atMost) throws InterruptedException {
            long deadline = System.nanoTime() + atMost.toNanos();
            while (!ids.stream().allMatch(finished::containsKey)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(ids.stream().filter(id -> !finished.containsKey(id)).count() + " pipelines did not finish");
                }
                TimeUnit.MILLISECONDS.sleep(1);
            }
        }

        private String line(String name, List<String> ids, double perSecond) {
            double[] latencies = ids.stream().mapToDouble(id -> (finished.get(id) - submitted.get(id)) / 1e6).sorted().toArray();
            assertThat(failed.get()).as("failed pipelines").isZero();
            return String.format(Locale.ROOT,
                    "{\"case\": \"%s\", \"n\": %d, \"pipelines_per_s\": %.1f, \"p50_ms\": %.1f, \"p95_ms\": %.1f, \"p99_ms\": %.1f}",
                    name, ids.size(), perSecond, percentile(latencies, 50), percentile(latencies, 95), percentile(latencies, 99));
        }

        private double percentile(double[] sorted, double p) {
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
        }

        @Override
        public void close() throws InterruptedException {
            events.close();
            producer.close();
        }
    }
}

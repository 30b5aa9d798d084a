package ai.pipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.testsupport.StandaloneKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The floor under every engine hop ({@code ./mvnw -Pbenchmark test -Dtest=HopFloorBenchmark}): a
 * driver sends a record to {@code ping}, an echo sends it back on {@code pong}, and the driver
 * times the round trip (two hops). The echo is once a plain Kafka consumer and producer, once a
 * Camel route on camel-kafka as the engine configures it, so the cost of Kafka itself and what
 * Camel's consumer adds are known apart. Prints one JSON line per case. {@code -Dhop.gap-ms=400}
 * pauses that long between round trips (100 of them, one round), as a pipeline's workers are idle
 * between its steps: what a hop costs to a consumer that waited.
 */
@Tag("benchmark")
class HopFloorBenchmark {

    private static final int WARM_UP = 300;
    private static final long GAP_MS = Long.getLong("hop.gap-ms", 0);
    private static final int ROUND_TRIPS = GAP_MS > 0 ? 100 : 1000;

    @Test
    void hopFloor() throws Exception {
        // -Dhop.bootstrap=host:port measures on a broker that is already running (e.g. a started
        // application's embedded one, as /actuator/health names it) instead of one of its own
        String existing = System.getProperty("hop.bootstrap");
        Path dir = Files.createTempDirectory("bench-hops");
        try (StandaloneKafka kafka = existing == null ? StandaloneKafka.start(dir.resolve("kafka")) : null) {
            String servers = existing == null ? kafka.bootstrapServers() : existing;
            String manualCommit = "&allowManualCommit=true&autoCommitEnable=false&maxPollRecords=500"
                    + "&kafkaManualCommitFactory=#class:org.apache.camel.component.kafka.consumer.DefaultKafkaManualAsyncCommitFactory";
            // twice each, interleaved: the first rounds also warm the broker up, and this machine's speed drifts
            for (int round = 0; round < (GAP_MS > 0 ? 1 : 2); round++) {
                report("plain-clients", measure(servers, new PlainEcho(servers)));
                report("camel-route", measure(servers, new CamelEcho(servers, "")));
                report("camel-route-manual-commit", measure(servers, new CamelEcho(servers, manualCommit)));
            }
        }
    }

    private interface Echo extends AutoCloseable {
        void start(String in, String out) throws Exception;
    }

    /** Round trips through the echo, in microseconds, after a warm-up. */
    private static long[] measure(String servers, Echo echo) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String ping = "ping-" + run;
        String pong = "pong-" + run;
        try (echo; KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(servers));
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig(servers, "driver-" + run))) {
            consumer.subscribe(List.of(pong));
            echo.start(ping, pong);
            long[] micros = new long[ROUND_TRIPS];
            for (int i = -WARM_UP; i < ROUND_TRIPS; i++) {
                String body = Integer.toString(i);
                long start = System.nanoTime();
                producer.send(new ProducerRecord<>(ping, body, body));
                if (!awaitPong(consumer, body, i < 0 ? Duration.ofSeconds(60) : Duration.ofSeconds(10))) {
                    throw new IllegalStateException("no pong for " + body);
                }
                if (i >= 0) {
                    micros[i] = (System.nanoTime() - start) / 1000;
                    Thread.sleep(GAP_MS);
                }
            }
            return micros;
        }
    }

    private static boolean awaitPong(KafkaConsumer<String, String> consumer, String body, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                if (body.equals(record.value())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void report(String echo, long[] micros) {
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        System.out.println(String.format(Locale.ROOT,
                "{\"echo\": \"%s\", \"gap_ms\": " + GAP_MS + ", \"round_trips\": %d, \"rtt_p50_ms\": %.2f, \"rtt_p90_ms\": %.2f, \"rtt_p99_ms\": %.2f, \"hop_p50_ms\": %.2f}",
                echo, sorted.length, sorted[sorted.length / 2] / 1000.0, sorted[sorted.length * 9 / 10] / 1000.0,
                sorted[sorted.length * 99 / 100] / 1000.0, sorted[sorted.length / 2] / 2000.0));
        assertThat(sorted[0]).isPositive();
    }

    private static Properties producerConfig(String servers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);   // as the engine's producers
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return p;
    }

    private static Properties consumerConfig(String servers, String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return p;
    }

    /** A plain consumer loop that sends every record on at once. */
    private static final class PlainEcho implements Echo {
        private final String servers;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private Thread thread;

        PlainEcho(String servers) {
            this.servers = servers;
        }

        @Override
        public void start(String in, String out) {
            thread = new Thread(() -> {
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(servers));
                     KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig(servers, "echo-" + in))) {
                    consumer.subscribe(List.of(in));
                    while (running.get()) {
                        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                            producer.send(new ProducerRecord<>(out, record.key(), record.value()));
                        }
                    }
                }
            }, "plain-echo");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }

    /** A Camel route {@code from(kafka:in).to(kafka:out)} with the given consumer options. */
    private static final class CamelEcho implements Echo {
        private final String servers;
        private final String consumerOptions;
        private final DefaultCamelContext camel = new DefaultCamelContext();

        CamelEcho(String servers, String consumerOptions) {
            this.servers = servers;
            this.consumerOptions = consumerOptions;
        }

        @Override
        public void start(String in, String out) throws Exception {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("kafka:" + in + "?brokers=" + servers + "&groupId=echo-" + in + "&autoOffsetReset=earliest" + consumerOptions)
                            .to("kafka:" + out + "?brokers=" + servers + "&lingerMs=0");
                }
            });
            camel.start();
        }

        @Override
        public void close() {
            camel.stop();
        }
    }
}

package ai.pipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.testsupport.StandaloneKafka;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.StatefulService;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KafkaConsumersStop} on a real broker: two Kafka routes are each handling a record, and each
 * record's handler waits for the other route's consumer to be stopping. Stopped one after the other,
 * the first stop would wait for a handler that waits for the second stop; stopped together, both
 * handlers see the other stopping, finish their records, and every consumer is stopped when
 * {@code stop()} returns.
 */
class KafkaConsumersStopIT {

    @TempDir
    Path dir;

    @Test
    void stopsEveryKafkaConsumerAtOnceAfterItsRecordsAreHandled() throws Exception {
        try (StandaloneKafka kafka = StandaloneKafka.start(dir.resolve("kafka"));
             DefaultCamelContext camel = new DefaultCamelContext()) {
            CountDownLatch handling = new CountDownLatch(2);
            Map<String, Boolean> sawTheOtherStopping = new ConcurrentHashMap<>();
            Map<String, Boolean> finished = new ConcurrentHashMap<>();
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    for (String[] route : new String[][] {{"a", "b"}, {"b", "a"}}) {
                        String self = route[0];
                        String other = route[1];
                        from("kafka:stop-" + self + "?brokers=" + kafka.bootstrapServers() + "&groupId=stop-" + self
                                + "&autoOffsetReset=earliest&pollTimeoutMs=500")
                                .routeId(self)
                                .process(exchange -> {
                                    handling.countDown();
                                    StatefulService otherConsumer = (StatefulService) camel.getRoute(other).getConsumer();
                                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                                    while (!otherConsumer.isStopping() && !otherConsumer.isStopped() && System.nanoTime() < deadline) {
                                        Thread.sleep(10);
                                    }
                                    sawTheOtherStopping.put(self, otherConsumer.isStopping() || otherConsumer.isStopped());
                                    finished.put(self, true);
                                });
                    }
                }
            });
            camel.start();
            ProducerTemplate producer = camel.createProducerTemplate();
            producer.sendBody("kafka:stop-a?brokers=" + kafka.bootstrapServers(), "record for a");
            producer.sendBody("kafka:stop-b?brokers=" + kafka.bootstrapServers(), "record for b");
            assertThat(handling.await(60, TimeUnit.SECONDS)).as("both routes handle their record").isTrue();

            new KafkaConsumersStop(camel, 15).stop();

            assertThat(finished).as("each record handled to its end before stop() returned").containsOnlyKeys("a", "b");
            assertThat(sawTheOtherStopping).as("each route's handler saw the other route's consumer stopping")
                    .containsEntry("a", true).containsEntry("b", true);
            for (String route : new String[] {"a", "b"}) {
                assertThat(((StatefulService) camel.getRoute(route).getConsumer()).isStopped()).as("consumer of " + route + " stopped").isTrue();
            }
        }
    }
}

package ai.pipeline.platform;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Route;
import org.apache.camel.component.kafka.KafkaConsumer;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * On a clean stop, this process's Kafka consumers stop all at once, after the web server drained its
 * requests and before the orchestrator stores what it holds and Camel stops its routes. Camel's
 * shutdown strategy stops one route's consumer after another, and a camel-kafka consumer waits for
 * its poll to return twice on the way (to suspend, then to stop): with thirty-odd consumers that took
 * 7 of the 8.7 s an idle process needed to exit after SIGTERM ({@code docker stop} kills after 10 s).
 * Each consumer still finishes the records it is handling first; one still busy after
 * {@code camel.main.shutdown-timeout} is left to Camel's shutdown strategy, which forces it, as before.
 */
@Component
class KafkaConsumersStop extends StopOnlyLifecycle {

    private static final Logger log = LoggerFactory.getLogger(KafkaConsumersStop.class);

    private final CamelContext camel;
    private final Duration timeout;

    /** After the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}), before the orchestrator lease's stop ({@code DEFAULT_PHASE - 1536}). */
    KafkaConsumersStop(CamelContext camel, @Value("${camel.main.shutdown-timeout:15}") long timeoutSeconds) {
        super(DEFAULT_PHASE - 1280);
        markRunning(true);   // from the start: what it stops is there once Camel started
        this.camel = camel;
        this.timeout = Duration.ofSeconds(timeoutSeconds);
    }

    @Override
    public void stop() {
        markRunning(false);
        List<Consumer> consumers = camel.getRoutes().stream().map(Route::getConsumer)
                .filter(consumer -> consumer instanceof KafkaConsumer && ServiceHelper.isStarted(consumer)).toList();
        if (consumers.isEmpty()) {
            return;
        }
        long begin = System.nanoTime();
        ExecutorService stopping = Executors.newFixedThreadPool(consumers.size(), runnable -> {
            Thread thread = new Thread(runnable, "kafka-consumers-stop");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> stops = consumers.stream()
                    .<Future<?>>map(consumer -> stopping.submit(() -> ServiceHelper.stopService(consumer))).toList();
            long deadline = begin + timeout.toNanos();
            for (Future<?> stop : stops) {
                try {
                    stop.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {   // the others are still waited for
                    log.warn("A Kafka consumer did not stop cleanly: {}", e.getCause().toString());
                }
            }
            log.info("Stopped {} Kafka consumers in {} ms", consumers.size(), (System.nanoTime() - begin) / 1_000_000);
        } catch (TimeoutException e) {
            log.warn("Kafka consumers still finishing their records after {}; Camel's shutdown forces them", timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopping.shutdown();   // not shutdownNow: a consumer still finishing its records goes on
        }
    }
}

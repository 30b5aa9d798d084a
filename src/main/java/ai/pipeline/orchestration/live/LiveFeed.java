package ai.pipeline.orchestration.live;

import ai.pipeline.platform.KafkaConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Runs the live feed's consumer ({@code orchestration-live-events}) only while a client listens,
 * and for {@code app.dashboard.live-linger} after the last one left (a page that reloads finds it
 * still reading). With no dashboard open, no process reads every event for nobody. A stream's
 * {@code ready} waits until the consumer holds its partitions, so every event after {@code ready}
 * reaches the client; joining takes the broker's {@code group.initial.rebalance.delay.ms} (0.3 s
 * embedded, 3 s on a default cluster). All of it runs on one thread, in order.
 */
@Component
class LiveFeed implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);
    private static final Duration CHECK_EVERY = Duration.ofMillis(100);
    /** Past this, {@code ready} goes out anyway: the stream works, its first events may be missed. */
    private static final Duration JOIN_PATIENCE = Duration.ofSeconds(15);

    private final CamelContext camel;
    private final KafkaConnection kafka;
    private final boolean enabled;
    private final Duration linger;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(LiveEvents.named("live-feed"));
    // the fields below are used on that thread only
    private final List<Runnable> waiting = new ArrayList<>();
    private boolean reading;
    private ScheduledFuture<?> joinCheck;
    private ScheduledFuture<?> stop;
    private long joinStarted;
    private int stableChecks;

    LiveFeed(CamelContext camel, KafkaConnection kafka, @Value("${app.dashboard.live-events:true}") boolean enabled,
             @Value("${app.dashboard.live-linger:2m}") Duration linger) {
        this.camel = camel;
        this.kafka = kafka;
        this.enabled = enabled;
        this.linger = linger;
    }

    /** A client came: the consumer runs (started if it was not); {@code whenReading} once it holds its partitions. */
    void open(Runnable whenReading) {
        thread.execute(() -> {
            if (stop != null) {
                stop.cancel(false);
                stop = null;
            }
            if (!enabled || reading) {
                whenReading.run();   // (disabled: the stream opens and stays quiet, as documented)
                return;
            }
            waiting.add(whenReading);
            if (joinCheck == null) {
                start();
            }
        });
    }

    /**
     * The last client left: the consumer stops after the linger, unless a client comes back first.
     * {@code nobodyListens} is asked again then (a client may come between the last one leaving and this call).
     */
    void idle(BooleanSupplier nobodyListens) {
        thread.execute(() -> {
            if (enabled && stop == null && (reading || joinCheck != null)) {
                stop = thread.schedule(() -> {
                    stop = null;
                    if (nobodyListens.getAsBoolean()) {
                        stopReading();
                    }
                }, linger.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    private void start() {
        try {
            camel.getRouteController().startRoute(LiveEventRoutes.ROUTE_ID);
        } catch (Exception e) {
            log.warn("The live feed's consumer did not start: {}", e.toString());
        }
        joinStarted = System.nanoTime();
        stableChecks = 0;
        joinCheck = thread.scheduleWithFixedDelay(this::checkJoined, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * Reading once its group is stable with a partition assigned, seen twice in a row: the consumer
     * looks up the latest offsets right after it joins, and an event sent before that lookup is not read.
     */
    private void checkJoined() {
        boolean stable = false;
        try {
            stable = kafka.groupsReading(List.of(LiveEventRoutes.GROUP), Duration.ofSeconds(1)).contains(LiveEventRoutes.GROUP);
        } catch (Exception e) {
            log.debug("The live feed's group is not described yet: {}", e.toString());
        }
        stableChecks = stable ? stableChecks + 1 : 0;
        boolean overdue = System.nanoTime() - joinStarted > JOIN_PATIENCE.toNanos();
        if (stableChecks >= 2 || overdue) {
            if (overdue && stableChecks < 2) {
                log.warn("The live feed's consumer did not hold its partitions within {}; its clients are told ready anyway",
                        JOIN_PATIENCE);
            }
            reading = true;
            joinCheck.cancel(false);
            joinCheck = null;
            waiting.forEach(Runnable::run);
            waiting.clear();
        }
    }

    private void stopReading() {
        if (joinCheck != null) {
            joinCheck.cancel(false);
            joinCheck = null;
        }
        reading = false;
        waiting.clear();   // clients that left while it joined
        try {
            camel.getRouteController().stopRoute(LiveEventRoutes.ROUTE_ID);
        } catch (Exception e) {
            log.warn("The live feed's consumer did not stop: {}", e.toString());
        }
    }

    /** Whether the consumer runs now (for tests and health). */
    boolean running() {
        return camel.getRouteController().getRouteStatus(LiveEventRoutes.ROUTE_ID).isStarted();
    }

    @Override
    public void destroy() {
        thread.shutdownNow();
    }
}

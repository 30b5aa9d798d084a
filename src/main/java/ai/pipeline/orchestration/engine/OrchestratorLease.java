package ai.pipeline.orchestration.engine;

import ai.pipeline.platform.DataDirectory;
import ai.pipeline.orchestration.store.ExecutionRecordRoutes;
import ai.pipeline.platform.HostName;
import ai.pipeline.platform.StopOnlyLifecycle;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.spi.RouteStartupOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * One orchestrator at a time. The engine holds its runs in memory and is their only writer, so of
 * the processes with {@code app.engine.orchestrator=true} one holds the {@code orchestrator} lease
 * (a row in {@code engine_lease}) and runs the orchestration routes; the others stand by and take
 * over when the lease expires ({@link #TERM} after its holder stopped renewing it). Every group
 * commit renews the lease in its own transaction and fails if it was lost ({@link #fence}), so a
 * holder that was presumed dead can never write after another took over.
 *
 * <p>The holder is named by host and data directory: a process restarted on the same machine and
 * data directory (after a crash) takes its lease back at once, with a new epoch. The holder also
 * publishes where its REST API answers ({@code holder_url}), so that the other instances forward
 * the calls that need the engine to it ({@code ai.pipeline.orchestration.api.EngineCallForwarding}).
 */
@Component
public class OrchestratorLease extends StopOnlyLifecycle implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(OrchestratorLease.class);
    static final Duration TERM = Duration.ofSeconds(10);
    private static final Duration RENEW_EVERY = Duration.ofSeconds(2);
    private static final String NAME = "orchestrator";
    /**
     * The route group of the work only the holder does: the orchestration routes and timers, the Kafka
     * requests, the drop folder and the file outbox. Such routes do not start by themselves; the lease
     * starts them when this instance takes it and stops them when it stands by, so two instances
     * sharing an inbox never take the same file, and a standby takes over the lot.
     */
    public static final String SINGLETON = "lease-holder";

    private final EngineSettings settings;
    private final JdbcTemplate jdbc;
    private final PipelineEngine engine;
    private final OutboxPublisher publisher;
    private final CamelContext camel;
    private final Environment environment;
    private final String holder;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "orchestrator-lease");
        thread.setDaemon(true);
        return thread;
    });
    private volatile long epoch;
    private volatile boolean holding;
    private String url;

    OrchestratorLease(EngineSettings settings, JdbcTemplate jdbc, PipelineEngine engine, OutboxPublisher publisher,
                      CamelContext camel, DataDirectory dataDirectory, Environment environment) {
        super(DEFAULT_PHASE - 1536);   // after the web server's graceful shutdown (DEFAULT_PHASE - 1024), before Camel's (- 2049)
        this.settings = settings;
        this.jdbc = jdbc;
        this.engine = engine;
        this.publisher = publisher;
        this.camel = camel;
        this.environment = environment;
        this.holder = HostName.get() + ":" + dataDirectory.root();
        engine.useLease(this);
    }

    /** Once the application runs: take the lease if it is free, else stand by and try every few seconds. */
    @EventListener(ApplicationReadyEvent.class)
    void begin() {
        if (!settings.orchestrator()) {
            return;
        }
        url = advertisedUrl();
        markRunning(true);
        tick();
        timer.scheduleWithFixedDelay(this::tick, RENEW_EVERY.toMillis(), RENEW_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean holding() {
        return holding;
    }

    /**
     * Where the lease's holder answers REST calls; empty while no instance holds the lease (its holder
     * stopped, or its term ran out and no other has taken it yet).
     */
    public Optional<URI> holderUrl() {
        return jdbc.queryForList("SELECT holder_url FROM engine_lease WHERE name = ? AND holder IS NOT NULL AND expires_at > ?",
                String.class, NAME, at(Instant.now())).stream().filter(Objects::nonNull).findFirst().map(URI::create);
    }

    /**
     * {@code app.engine.advertised-url}, else this machine's address and the port the web server
     * listens on (known once the application runs: {@code server.port} may be 0).
     */
    private String advertisedUrl() {
        String given = settings.advertisedUrl();
        if (given != null && !given.isBlank()) {
            return given.strip().replaceAll("/+$", "");
        }
        String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
        return "http://" + HostName.address() + ":" + port;
    }

    private synchronized void tick() {
        try {
            if (holding) {
                if (!renew()) {
                    stepDown("the lease was taken by another instance");
                }
            } else if (acquire()) {
                takeUp();
            }
        } catch (RuntimeException e) {
            log.warn("Orchestrator lease: {}", e.toString());
        }
    }

    private boolean acquire() {
        Instant now = Instant.now();
        int updated = jdbc.update("UPDATE engine_lease SET holder = ?, holder_url = ?, epoch = epoch + 1, expires_at = ? "
                + "WHERE name = ? AND (holder = ? OR holder IS NULL OR expires_at < ?)",
                holder, url, at(now.plus(TERM)), NAME, holder, at(now));
        if (updated == 0) {
            return false;
        }
        epoch = jdbc.queryForObject("SELECT epoch FROM engine_lease WHERE name = ?", Long.class, NAME);
        return true;
    }

    private boolean renew() {
        return jdbc.update("UPDATE engine_lease SET expires_at = ? WHERE name = ? AND holder = ? AND epoch = ?",
                at(Instant.now().plus(TERM)), NAME, holder, epoch) == 1;
    }

    /**
     * Inside a group commit's transaction: renews the lease, or throws when this instance no longer
     * holds it (the transaction then rolls back and the engine steps down).
     */
    void fence() {
        if (!renew()) {
            throw new LeaseLost("the orchestrator lease (epoch " + epoch + ") is held by another instance now");
        }
    }

    /** The lease is ours: publish what the outbox holds, take up unfinished runs, start the routes. */
    private void takeUp() {
        log.info("This instance holds the orchestrator lease (epoch {}) and runs the orchestrator; other instances forward to {}",
                epoch, url);
        holding = true;
        engine.lead();
        try {
            publisher.relayPending();
            engine.recover();
        } finally {
            // what recovery could not do, the routes' own work and the timers catch up on: never lead without them
            singletonRoutes().forEach(route -> control(route, "start", () -> camel.getRouteController().startRoute(route)));
        }
    }

    private List<String> singletonRoutes() {
        return camel.getRoutes().stream().filter(route -> SINGLETON.equals(route.getGroup())).map(Route::getRouteId).toList();
    }

    private interface RouteAction {
        void run() throws Exception;
    }

    private void control(String route, String what, RouteAction action) {
        try {
            if (camel.getRoute(route) != null) {
                action.run();
            }
        } catch (Exception e) {
            log.warn("Cannot {} route {}: {}", what, route, e.toString());
        }
    }

    /** Called by the engine when a commit found the lease lost, and by the timer. */
    void stepDown(String why) {
        if (!holding) {
            return;
        }
        log.warn("Standing by: {}", why);
        holding = false;
        timer.execute(this::stopSingletonRoutes);
        engine.standBy();
    }

    /**
     * On the lease's thread, so the lease is not taken back before they are stopped. A Kafka route
     * stops within about a second when its consumer is healthy; one that takes longer delays taking
     * the lease back, so it is logged with its time.
     */
    private void stopSingletonRoutes() {
        for (String route : singletonRoutes()) {
            long begin = System.nanoTime();
            control(route, "stop", () -> camel.getRouteController().stopRoute(route, 10, TimeUnit.SECONDS));
            long millis = (System.nanoTime() - begin) / 1_000_000;
            if (millis > 3_000) {
                log.warn("Stopping route {} took {} ms", route, millis);
            }
        }
    }

    /** A commit found that this instance no longer holds the lease. */
    static final class LeaseLost extends RuntimeException {
        LeaseLost(String message) {
            super(message);
        }
    }

    private static OffsetDateTime at(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }


    /**
     * On a clean stop, once the web server drained its requests and the Kafka consumers stopped
     * ({@code KafkaConsumersStop}), before Camel stops: the routes that feed the engine stop (their
     * exchanges in flight finish, their results stored by the group commit),
     * the engine stores what it holds through the {@code orchestration-records} route, which still runs, then
     * the lease is freed, so a standing-by instance takes over at its next try rather than after the
     * lease's term.
     */
    @Override
    public void stop() {
        timer.shutdownNow();
        markRunning(false);
        if (!holding) {
            return;
        }
        try {
            List<RouteStartupOrder> feedingTheEngine = camel.getCamelContextExtension().getRouteStartupOrder().stream()
                    .filter(order -> !ExecutionRecordRoutes.ROUTE_ID.equals(order.getRoute().getRouteId())).toList();
            camel.getShutdownStrategy().shutdown(camel, feedingTheEngine);
            engine.storeNow();
            jdbc.update("UPDATE engine_lease SET holder = NULL, holder_url = NULL, expires_at = ? WHERE name = ? AND holder = ? AND epoch = ?",
                    at(Instant.EPOCH), NAME, holder, epoch);
            holding = false;
            engine.standBy();
            log.info("Released the orchestrator lease");
        } catch (Exception e) {
            log.warn("Could not release the orchestrator lease ({}); another instance takes over when it expires", e.toString());
        }
    }

    @Override
    public void destroy() {
        timer.shutdownNow();
    }
}

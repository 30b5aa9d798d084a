package ai.pipeline.platform;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * A health check that waits on a dependency (the broker, the database), asked every second on a
 * thread of its own (every 200 ms while DOWN, so readiness comes back soon); a health request
 * reads the last answer. So a probe answers in milliseconds while the dependency is away: asked
 * inline, it waited out the client's timeout (3 s for Kafka, the pool's 5 s for the database),
 * holding an HTTP thread that long, past the 3 s our Kubernetes probes allow. A question left
 * unanswered for {@link #SILENT_AFTER} counts as DOWN without waiting for its timeout (an answer takes
 * milliseconds, also under a full load: {@code /readyz} polled every 200 ms through {@code bench/engine}
 * stayed UP, the slowest in 270 ms, at start).
 */
public abstract class AskedInBackground implements HealthIndicator, InitializingBean, DisposableBean {

    private static final Duration ASK_EVERY = Duration.ofSeconds(1);
    private static final Duration ASK_AGAIN_WHILE_DOWN = Duration.ofMillis(200);
    static final Duration SILENT_AFTER = Duration.ofSeconds(2);

    private final String dependency;
    private final ScheduledExecutorService asker;
    private volatile Health last;
    /** When the question in flight was asked ({@link System#nanoTime()}), 0 when none is. */
    private volatile long askedAt;

    /** {@code component}: the name health shows it under; {@code dependency}: what its messages call it. */
    AskedInBackground(String component, String dependency) {
        this.dependency = dependency;
        this.asker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "health-" + component);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Asks the dependency; may wait for it. */
    protected abstract Health ask();

    /** Asks first when the bean is ready, long before the application is. */
    @Override
    public void afterPropertiesSet() {
        asker.execute(this::askAndPlanNext);
    }

    /**
     * Why the dependency is away, when its last answer was DOWN or it has not answered for
     * {@link #SILENT_AFTER}; empty while it is UP and before its first answer.
     */
    public Optional<String> knownDown() {
        Health answer = last;
        if (answer == null) {
            return Optional.empty();
        }
        Health now = health();
        return "UP".equals(now.getStatus().getCode()) ? Optional.empty()
                : Optional.of(String.valueOf(now.getDetails().getOrDefault("error", now.getStatus().getCode())));
    }

    @Override
    public final Health health() {
        Health answer = last;
        long asked = askedAt;
        long silentMillis = asked == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
        if (answer == null || silentMillis >= SILENT_AFTER.toMillis()) {
            Health.Builder down = Health.down();
            if (answer != null) {
                down.withDetails(answer.getDetails());
            }
            return down.withDetail("error", dependency + (answer == null ? " has not answered yet"
                    : " has not answered for " + silentMillis + " ms")).build();
        }
        return answer;
    }

    private void askAndPlanNext() {
        askedAt = System.nanoTime();
        Health answer = null;
        try {
            answer = ask();
            last = answer;
        } finally {
            askedAt = 0;
            boolean up = answer != null && "UP".equals(answer.getStatus().getCode());
            try {
                asker.schedule(this::askAndPlanNext, (up ? ASK_EVERY : ASK_AGAIN_WHILE_DOWN).toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // stopping
            }
        }
    }

    @Override
    public void destroy() {
        asker.shutdownNow();
    }
}

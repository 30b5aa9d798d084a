package ai.pipeline.reliability;

import ai.pipeline.testsupport.ApiClient;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Asks {@code /readyz} every 250 ms in its own thread and keeps every answer, so an outage test can
 * tell when the application said it was not ready and when it was ready again.
 */
final class ReadinessWatch implements AutoCloseable {

    /** One probe: its status (-1: no answer), when it was sent (ms after the origin) and how long it took. */
    record Probe(long atMillis, long tookMillis, int status) {
    }

    private final ApiClient api;
    private final long origin;
    private final ConcurrentLinkedQueue<Probe> probes = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    ReadinessWatch(ApiClient api, long origin) {
        this.api = api;
        this.origin = origin;
        this.thread = new Thread(this::watch, "readiness-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void watch() {
        while (running) {
            long sent = System.nanoTime();
            int status;
            try {
                status = api.get("/readyz").status();
            } catch (UncheckedIOException | IllegalStateException e) {
                status = -1;
            }
            probes.add(new Probe(TimeUnit.NANOSECONDS.toMillis(sent - origin),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent), status));
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
        }
    }

    List<Probe> probes() {
        return List.copyOf(probes);
    }

    /** When the first probe sent at or after {@code from} answered other than 200. */
    OptionalLong firstNotReadyAfter(long from) {
        return probes.stream().filter(p -> p.atMillis() >= from && p.status() != 200).mapToLong(Probe::atMillis).findFirst();
    }

    /** When the first probe sent at or after {@code from} answered 200. */
    OptionalLong firstReadyAfter(long from) {
        return probes.stream().filter(p -> p.atMillis() >= from && p.status() == 200).mapToLong(Probe::atMillis).findFirst();
    }

    boolean lastReady() {
        List<Probe> all = probes();
        return !all.isEmpty() && all.get(all.size() - 1).status() == 200;
    }

    /** The status changes, for the report: "0 ms 200, 31250 ms 503 (took 3012 ms), …". */
    String transitions() {
        StringBuilder out = new StringBuilder();
        int last = 0;
        for (Probe p : probes) {
            if (p.status() != last) {
                out.append(out.isEmpty() ? "" : ", ").append(p.atMillis()).append(" ms ").append(p.status())
                        .append(" (took ").append(p.tookMillis()).append(" ms)");
                last = p.status();
            }
        }
        long slowest = probes.stream().mapToLong(Probe::tookMillis).max().orElse(0);
        return out + "; slowest probe " + slowest + " ms";
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(130));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

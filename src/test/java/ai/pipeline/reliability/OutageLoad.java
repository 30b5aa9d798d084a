package ai.pipeline.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.testsupport.ApiClient;
import ai.pipeline.testsupport.Pipelines;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.databind.JsonNode;

/**
 * Load for the outage tests: a few client threads start small {@code core.*} pipelines of every
 * shape (task, chain, group, chord) without pause but for a short pacing, and every answer is
 * recorded: 202 (accepted, with its chain id), 503 (refused) or anything else (a failure). Then
 * {@link #awaitAccepted} checks the rule of the outage tests: every accepted pipeline ends in
 * SUCCESS, each task's success recorded once.
 */
final class OutageLoad implements AutoCloseable {

    /** The shapes, in turn: a task, a chain, a group and a chord, with short sleeps. */
    static final List<String> CANVASES = List.of(
            """
            {"task": "core.echo"}""",
            """
            {"chain": [{"task": "core.echo"}, {"task": "core.sleep", "args": {"ms": 50}}, {"task": "core.echo"}]}""",
            """
            {"group": [{"task": "core.sleep", "args": {"ms": 50}}, {"task": "core.echo"}]}""",
            """
            {"chord": {"header": [{"task": "core.sleep", "args": {"ms": 50}}, {"task": "core.echo"}, {"task": "core.echo"}],
                       "body": {"task": "core.echo", "args": {"body": true}}}}""");

    /** One answer to a start request; {@code status} -1 when no HTTP answer came at all. */
    record Outcome(long atMillis, long tookMillis, int status, int shape, String chainId, String body) {
        boolean accepted() {
            return status == 202;
        }

        boolean refused() {
            return status == 503;
        }
    }

    private final ApiClient api;
    private final int clients;
    private final Duration pacing;
    private final long origin;
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private final ExecutorService threads;
    private volatile boolean running;

    /** {@code origin}: {@link System#nanoTime()} the outcomes' times are measured from. */
    OutageLoad(ApiClient api, int clients, Duration pacing, long origin) {
        this.api = api;
        this.clients = clients;
        this.pacing = pacing;
        this.origin = origin;
        this.threads = Executors.newFixedThreadPool(clients, r -> {
            Thread thread = new Thread(r, "outage-load");
            thread.setDaemon(true);
            return thread;
        });
    }

    void start() {
        running = true;
        for (int i = 0; i < clients; i++) {
            threads.submit(this::client);
        }
    }

    /** Stops the clients after their current request. */
    void stop() {
        running = false;
        threads.shutdown();
        try {
            if (!threads.awaitTermination(150, TimeUnit.SECONDS)) {
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            threads.shutdownNow();
        }
    }

    @Override
    public void close() {
        if (!threads.isShutdown()) {
            stop();
        }
    }

    private void client() {
        while (running) {
            int n = sequence.getAndIncrement();
            int shape = n % CANVASES.size();
            long sent = System.nanoTime();
            Outcome outcome;
            try {
                ApiClient.Response response = api.postJson("/api/v1/workflows",
                        "{\"canvas\": " + CANVASES.get(shape) + ", \"input\": {\"n\": " + n + "}}");
                String chainId = response.status() == 202 ? response.json().path("data").path("chain_id").asString() : null;
                outcome = new Outcome(millis(sent), elapsed(sent), response.status(), shape, chainId, response.body());
            } catch (UncheckedIOException | IllegalStateException e) {
                outcome = new Outcome(millis(sent), elapsed(sent), -1, shape, null, e.toString());
            }
            outcomes.add(outcome);
            LockSupport.parkNanos(pacing.toNanos());
        }
    }

    private long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos - origin);
    }

    private static long elapsed(long sent) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
    }

    List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    List<Outcome> accepted() {
        return outcomes.stream().filter(Outcome::accepted).toList();
    }

    long acceptedCount() {
        return outcomes.stream().filter(Outcome::accepted).count();
    }

    List<Outcome> refused() {
        return outcomes.stream().filter(Outcome::refused).toList();
    }

    /** Answers other than 202 and 503: each one breaks the rule. */
    List<Outcome> unexpected() {
        return outcomes.stream().filter(o -> !o.accepted() && !o.refused()).toList();
    }

    /** Counts of answers per status inside [from, to) milliseconds after the origin. */
    Map<Integer, Long> statusesBetween(long from, long to) {
        Map<Integer, Long> counts = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            if (o.atMillis() >= from && o.atMillis() < to) {
                counts.merge(o.status(), 1L, Long::sum);
            }
        }
        return counts;
    }

    /**
     * Waits (at most {@code atMost}) until every accepted pipeline has ended, and returns the
     * millisecond (after the origin) when the last one was seen ended; then checks each ended in
     * SUCCESS with every task's success recorded once and a chord body that saw all its members.
     */
    long awaitAccepted(Pipelines pipelines, Duration atMost) {
        Map<String, Integer> pending = new LinkedHashMap<>();
        accepted().forEach(o -> pending.put(o.chainId(), o.shape()));
        Map<String, Integer> all = new LinkedHashMap<>(pending);
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            pending.keySet().removeIf(chainId -> ended(pipelines.pipeline(chainId)));
            if (!pending.isEmpty()) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
            }
        }
        long allEnded = millis(System.nanoTime());
        List<String> stuck = new ArrayList<>();
        Map<String, Long> acceptedAt = new LinkedHashMap<>();
        accepted().forEach(o -> acceptedAt.put(o.chainId(), o.atMillis()));
        pending.keySet().forEach(chainId -> stuck.add(chainId + " " + pipelines.pipeline(chainId).path("status").asString()
                + ", accepted at " + acceptedAt.get(chainId) + " ms, tasks " + pipelines.tasks(chainId)));
        assertThat(stuck).as("accepted pipelines that did not end within %s", atMost).isEmpty();

        all.forEach((chainId, shape) -> {
            JsonNode pipeline = pipelines.pipeline(chainId);
            assertThat(pipeline.path("status").asString()).as("pipeline %s: %s", chainId, pipeline).isEqualTo("SUCCESS");
            JsonNode tasks = pipelines.tasks(chainId);
            assertThat(tasks.size()).as("tasks of %s", chainId).isEqualTo(List.of(1, 3, 2, 4).get(shape));
            for (JsonNode task : tasks) {
                List<String> attempts = new ArrayList<>();
                task.path("attempts").forEach(a -> attempts.add(a.path("outcome").asString()));
                assertThat(attempts).as("attempts of %s in %s", task.path("node").asString(), chainId)
                        .containsOnlyOnce("SUCCESS").last().isEqualTo("SUCCESS");
            }
            if (shape == 2) {
                assertThat(pipeline.path("result").size()).as("group result of %s", chainId).isEqualTo(2);
            }
            if (shape == 3) {
                assertThat(pipeline.path("result").path("input").size()).as("chord body input of %s", chainId).isEqualTo(3);
            }
        });
        return allEnded;
    }

    private static boolean ended(JsonNode pipeline) {
        return List.of("SUCCESS", "FAILURE", "CANCELLED").contains(pipeline.path("status").asString());
    }

    /** One line for the report: counts by status, the slowest answers and when they were sent (with what the slowest refusal said). */
    String summary() {
        Map<Integer, Long> counts = statusesBetween(Long.MIN_VALUE, Long.MAX_VALUE);
        Map<Integer, Long> slowest = new LinkedHashMap<>();
        outcomes.forEach(o -> slowest.merge(o.status(), o.tookMillis(), Math::max));
        List<Outcome> refusals = outcomes.stream().filter(o -> o.status() != 202)
                .sorted(Comparator.comparingLong(Outcome::tookMillis).reversed()).toList();
        String slowestRefusals = refusals.isEmpty() ? "" : "; the slowest refusals (sent at ms: took ms) "
                + refusals.stream().limit(5).map(o -> o.atMillis() + ": " + o.tookMillis()).toList()
                + ", the slowest said: " + refusals.get(0).body();
        String slowestAcceptances = outcomes.stream().filter(o -> o.status() == 202)
                .sorted(Comparator.comparingLong(Outcome::tookMillis).reversed()).limit(5)
                .map(o -> o.atMillis() + ": " + o.tookMillis()).toList().toString();
        return "requests " + outcomes.size() + ", by status " + counts + ", slowest answer by status (ms) " + slowest
                + "; the slowest acceptances (sent at ms: took ms) " + slowestAcceptances + slowestRefusals;
    }
}

package ai.pipeline.orchestration.engine;

import ai.pipeline.orchestration.store.ChainRecords;
import ai.pipeline.orchestration.store.ChangeSet;
import ai.pipeline.orchestration.store.ExecutionRecords;
import ai.pipeline.orchestration.store.OutboxBatch;
import ai.pipeline.orchestration.store.OutboxMessage;
import ai.pipeline.orchestration.store.OutboxStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The engine's group commit: one thread stores what changed in the engine's runs since the last
 * commit, with the events it caused, in one transaction (its records through the
 * {@code orchestration-records} route, its events into the outbox), then hands those events to Kafka.
 * The runs stay the engine's: it gives a commit copies of what changed ({@link Changes#take}) and hears
 * back what was stored, what failed and what the database refused. One commit at a time; what a
 * failed commit took waits in {@link #unstored} for the next, so nothing taken is lost to a failure.
 */
final class GroupCommit {

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
    private static final Duration PAUSE_AFTER_FAILED_COMMIT = Duration.ofMillis(200);
    private static final Duration FAILURE_LOG_EVERY = Duration.ofSeconds(10);

    /** What the engine gives a commit and hears back from it. */
    interface Changes {

        /** Under the engine's lock, copies of everything changed; null when this instance does not run the orchestrator. */
        Snapshot take();

        /** These runs are stored, and the changes up to {@code sequence}: their waiters go on. */
        void stored(long sequence, List<ChainRecords> records);

        /** A commit failed (the database or the broker is away): the callers waiting for it hear now. */
        void failed();

        /** The database refused this run's changes for a reason a retry would repeat (a value it does not take). */
        void refused(String chainId, ChangeSet changes, RuntimeException failure);

        /** How many runs the engine holds (read without its lock): under light load a wanted commit goes at once. */
        int heldRuns();
    }

    /**
     * What one commit takes from the engine: the runs changed and their changes, the messages to publish
     * after it and the observations to record, up to the engine's {@code sequence} number. {@code partial}
     * when runs were left for the next commit (a backlog larger than one commit takes), which then follows at once.
     */
    record Snapshot(long sequence, Map<String, ChangeSet> changes, List<ChainRecords> records,
                    List<OutboxMessage> messages, List<Outbound.Observation> observations, boolean partial) {
    }

    private final Changes changes;
    private final ExecutionRecords executionRecords;
    private final OutboxStore outbox;
    private final TransactionTemplate transactions;
    private final OutboxPublisher publisher;
    private final EngineMetrics metrics;
    private final RunSpans spans;
    private final long intervalNanos;
    private volatile OrchestratorLease lease;

    private final ReentrantLock mutex = new ReentrantLock();
    /** What the commit under way takes, or what a failed commit took, for the next one to store (guarded by mutex). */
    private Unstored unstored = new Unstored();
    /** Failed commits retried since the last stored one, and when one was last logged (guarded by mutex). */
    private int retriedFailures;
    private long retriedFailureLoggedAt;
    private volatile RuntimeException lastFailure;
    /** The highest sequence number whose commit's messages are handed to Kafka. */
    private volatile long publishedSequence;
    /** Someone waits for a commit (a client, an ended run's event, a join completion): the committer does not wait its interval. */
    private final AtomicBoolean wanted = new AtomicBoolean();
    private final Thread committer;
    private volatile boolean running = true;

    GroupCommit(Changes changes, ExecutionRecords executionRecords, OutboxStore outbox, TransactionTemplate transactions,
                OutboxPublisher publisher, EngineMetrics metrics, RunSpans spans, Duration interval) {
        this.changes = changes;
        this.executionRecords = executionRecords;
        this.outbox = outbox;
        this.transactions = transactions;
        this.publisher = publisher;
        this.metrics = metrics;
        this.spans = spans;
        this.intervalNanos = interval.toNanos();
        this.committer = new Thread(this::commitLoop, "engine-group-commit");
        committer.setDaemon(true);
    }

    void start() {
        committer.start();
    }

    void useLease(OrchestratorLease lease) {
        this.lease = lease;
    }

    /** Wakes the committer now rather than at its next interval (never blocks: callers may hold any lock). */
    void request() {
        wanted.set(true);
        LockSupport.unpark(committer);
    }

    /** The failure of the last commit, null once one succeeded. */
    RuntimeException lastFailure() {
        return lastFailure;
    }

    /** This instance took the orchestrator lease: an earlier holder's failure says nothing of its commits. */
    void forgetFailure() {
        lastFailure = null;
    }

    /** The highest sequence number whose commit's messages are handed to Kafka. */
    long publishedSequence() {
        return publishedSequence;
    }

    /** Runs {@code work} with no commit in flight (callers then take the engine's lock: mutex first, as a commit does). */
    <T> T withNoCommitInFlight(Supplier<T> work) {
        mutex.lock();
        try {
            return work.get();
        } finally {
            mutex.unlock();
        }
    }

    /** Whether a failed commit holds changes of this run for the next one. Call within {@link #withNoCommitInFlight}. */
    boolean holdsUnstored(String chainId) {
        return unstored.changes.containsKey(chainId);
    }

    /**
     * A run dropped from the engine: what a failed commit holds of it goes too. Only a thread holding
     * the mutex may change that (a commit's, or one in {@link #withNoCommitInFlight}); others have nothing to drop.
     */
    void forget(String chainId) {
        if (mutex.isHeldByCurrentThread()) {
            unstored.forget(chainId);
        }
    }

    /** Stores what changed now, then publishes its messages (a clean stop, or a caller that cannot wait for the thread). */
    void commitNow() {
        // published once the mutex is free: a send that waits for a broker that is away (up to its
        // max.block) must not hold back a client that waits for the mutex to learn whether its start
        // was stored (the engine's forgetUnstored), nor the next commit's callers
        Committed done = commitStored();
        if (done != null) {
            publisher.publishCommitted(done.outbox());
            publishedSequence = Math.max(publishedSequence, done.sequence());
        }
    }

    /** Stores what is left, then stops the thread. */
    void stop() throws InterruptedException {
        try {
            commitNow();   // nothing, after a clean stop: the lease's stop stored what the engine held, before Camel stopped
        } catch (RuntimeException e) {
            log.warn("Last group commit failed ({}); the reports are read again after the restart", e.toString());
        }
        running = false;
        request();
        committer.join(TimeUnit.SECONDS.toMillis(5));
    }

    /**
     * At most one commit per {@code commit-interval}, counted from the last one's start: under load
     * every commit gathers that much work (a database commit costs about the same for 1 run as for
     * 500). Under light load (at most {@link PipelineEngine#LIGHT_LOAD_RUNS} runs held) a request (a
     * run ended, a client waits) commits at once: there is nothing to gather, and waiting would only
     * add latency.
     */
    private void commitLoop() {
        long lastStart = System.nanoTime() - intervalNanos;
        while (running) {
            long wait = lastStart + intervalNanos - System.nanoTime();
            if (wait > 0 && !(wanted.get() && changes.heldRuns() <= PipelineEngine.LIGHT_LOAD_RUNS)) {
                LockSupport.parkNanos(wait);
                continue;
            }
            if (!wanted.getAndSet(false)) {
                LockSupport.parkNanos(intervalNanos);
                wanted.set(false);
            }
            lastStart = System.nanoTime();
            try {
                commitNow();
            } catch (RuntimeException e) {
                log.error("Group commit failed", e);
            }
            if (lastFailure != null) {
                // the database or the broker is away: the clients this failure woke take the mutex to forget
                // their unstored starts before the next attempt holds it for another connection timeout
                LockSupport.parkNanos(PAUSE_AFTER_FAILED_COMMIT.toNanos());
            }
        }
    }

    /** What a group commit stored: changes up to {@code sequence}, and the outbox batch to publish (null: none). */
    private record Committed(long sequence, OutboxBatch outbox) {
    }

    /** One group commit under the mutex; null when nothing could be stored. */
    private Committed commitStored() {
        mutex.lock();
        try {
            Snapshot snapshot = changes.take();
            if (snapshot == null) {
                return null;
            }
            if (snapshot.partial()) {
                wanted.set(true);   // the runs left wait for the next commit, which follows at once
            }
            Unstored batch = unstored.add(snapshot);
            List<Long> published = publisher.takePublished();
            if (batch.changes.isEmpty() && batch.messages.isEmpty()) {
                // outbox rows Kafka took are deleted with the next changes, or by the publisher within a second:
                // not worth a commit of their own after every run that ends when the engine is idle
                publisher.deleteLater(published);
                unstored = new Unstored();
                stored(batch);
                return new Committed(batch.sequence, null);
            }
            OutboxBatch outboxBatch;
            try {
                publisher.flushSentFirst();
                ChangeSet all = new ChangeSet();
                batch.changes.values().forEach(all::add);
                long started = System.nanoTime();
                // the outbox rows Kafka took since the last commit are deleted in the same transaction:
                // one database commit (with H2, one rewrite of the changed pages) instead of two
                outboxBatch = transactions.execute(status -> {
                    fence();
                    executionRecords.save(all);
                    outbox.remove(published);
                    return outbox.add(batch.messages);
                });
                metrics.recordGroupCommit(System.nanoTime() - started, batch.changes.size());
            } catch (OrchestratorLease.LeaseLost e) {
                publisher.deleteLater(published);
                unstored = new Unstored();
                lease.stepDown(e.getMessage());
                return null;
            } catch (RuntimeException e) {
                // the batch stays in unstored: the next commit stores it, with its events and observations
                publisher.deleteLater(published);
                lastFailure = e;
                changes.failed();
                if (EngineErrorHandling.isRetried(e)) {
                    logRetried(batch.changes.size(), e);
                } else {
                    commitOneByOne(e);
                }
                return null;
            }
            unstored = new Unstored();
            lastFailure = null;
            if (retriedFailures > 0) {
                log.info("Group commit stored again after {} failed attempts", retriedFailures);
                retriedFailures = 0;
            }
            stored(batch);
            return new Committed(batch.sequence, outboxBatch);
        } finally {
            mutex.unlock();
        }
    }

    private void stored(Unstored batch) {
        changes.stored(batch.sequence, batch.records);
        metrics.record(batch.observations);
        spans.record(batch.observations);
    }

    /** In the commit's transaction: fails it if another instance took the orchestrator lease meanwhile. */
    private void fence() {
        OrchestratorLease holder = lease;
        if (holder != null) {
            holder.fence();
        }
    }

    /**
     * A commit the database refused for a reason a retry would repeat: each run's changes are stored
     * on their own, and the engine hears of each run whose changes are refused. The events wait for
     * the next commit.
     */
    private void commitOneByOne(RuntimeException failure) {
        log.warn("Group commit refused ({}); storing runs one by one", EngineErrorHandling.shorten(failure));
        int refused = 0;
        for (Map.Entry<String, ChangeSet> chain : new ArrayList<>(unstored.changes.entrySet())) {
            try {
                transactions.executeWithoutResult(status -> {
                    fence();
                    executionRecords.save(chain.getValue());
                });
                unstored.changes.remove(chain.getKey());
            } catch (RuntimeException e) {
                if (EngineErrorHandling.isRetried(e) || e instanceof OrchestratorLease.LeaseLost) {
                    return;
                }
                refused++;
                unstored.forget(chain.getKey());
                changes.refused(chain.getKey(), chain.getValue(), e);
            }
        }
        lastFailure = null;
        log.warn("{} runs could not be stored as they were; the rest is stored by the next commit", refused);
        request();
    }

    /**
     * While the broker or the database is away a commit fails every {@link #PAUSE_AFTER_FAILED_COMMIT}:
     * the first failure and then one every {@link #FAILURE_LOG_EVERY} are logged, with the count.
     */
    private void logRetried(int runs, RuntimeException e) {
        retriedFailures++;
        long now = System.nanoTime();
        if (retriedFailures == 1 || now - retriedFailureLoggedAt >= FAILURE_LOG_EVERY.toNanos()) {
            retriedFailureLoggedAt = now;
            log.warn("Group commit of {} runs failed ({}); trying again ({} failed attempts so far)", runs, e.toString(),
                    retriedFailures);
        }
    }

    /**
     * What a commit stores: the snapshots it took, its own and any that failed before it, oldest first.
     * A failed commit leaves it whole for the next one (changes, events, observations and the sequence
     * number its callers wait for), so a run stored on a retry is announced and counted like any other.
     */
    private static final class Unstored {
        final Map<String, ChangeSet> changes = new LinkedHashMap<>();
        final List<OutboxMessage> messages = new ArrayList<>();
        final List<ChainRecords> records = new ArrayList<>();
        final List<Outbound.Observation> observations = new ArrayList<>();
        long sequence;

        Unstored add(Snapshot snapshot) {
            snapshot.changes().forEach((chainId, set) -> changes.merge(chainId, set, ChangeSet::then));
            messages.addAll(snapshot.messages());
            records.addAll(snapshot.records());
            observations.addAll(snapshot.observations());
            sequence = Math.max(sequence, snapshot.sequence());
            return this;
        }

        /** A run that will not be stored from here: its changes, events and observations go. */
        void forget(String chainId) {
            changes.remove(chainId);
            messages.removeIf(m -> chainId.equals(m.key()));
            observations.removeIf(o -> chainId.equals(o.chainId()));
        }
    }
}

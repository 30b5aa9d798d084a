package ai.pipeline.orchestration.engine;

import ai.pipeline.orchestration.canvas.Canvas;
import ai.pipeline.orchestration.canvas.CanvasJson;
import ai.pipeline.orchestration.engine.Messages.TaskEvent;
import ai.pipeline.orchestration.store.ChainRecords;
import ai.pipeline.orchestration.store.ChangeSet;
import ai.pipeline.orchestration.store.ExecutionRecords;
import ai.pipeline.orchestration.store.ExecutionStore;
import ai.pipeline.orchestration.store.JoinRow;
import ai.pipeline.orchestration.store.OutboxMessage;
import ai.pipeline.orchestration.store.OutboxStore;
import ai.pipeline.orchestration.store.PipelineRow;
import ai.pipeline.orchestration.store.PipelineStatus;
import ai.pipeline.orchestration.store.TaskRow;
import ai.pipeline.platform.KafkaTopics;
import ai.pipeline.platform.TimeOrderedIds;
import ai.pipeline.shared.task.TaskFailure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs canvases. The engine holds the records of every run it advances in memory and is their only
 * writer (one orchestrator process: {@code app.engine.orchestrator}); every operation takes the
 * engine's lock, lets the {@link Advancer} decide, and sends the task messages it dispatched at once.
 * What changed is written to SQL by a group commit ({@link GroupCommit}: at most once per
 * {@code app.engine.commit-interval}, at once when idle and a caller waits or a run ended), in one
 * transaction with the events and revocations not sent first, which are published after it
 * (through the outbox). Events go first when Kafka records caused them ({@link Sending}).
 *
 * <p>Why this is safe: a message sent before its commit is in Kafka before the commit (the
 * commit first waits for every send to be acknowledged); the Kafka offsets of the reports and requests
 * that led to a change are committed only once that change is durable, so after a crash they are
 * read again and applied again to the stored state, which repeats the same decisions. A report applied
 * twice changes nothing (a task attempt takes one outcome); a task message sent twice runs the task
 * twice, and its second report is ignored.
 */
@Service
public class PipelineEngine implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(PipelineEngine.class);
    /** How long a caller that must see its change stored (a REST start, a cancel) waits for the commit. */
    private static final Duration DURABLE_WAIT = Duration.ofSeconds(8);

    /**
     * A pipeline to start: {@code requestId} (optional) makes a resend start nothing new; {@code rerunOf}
     * (optional) names the finished run this one repeats.
     */
    public record StartRequest(String pipeline, Canvas canvas, JsonNode input, String requestId, String source,
                               String chainId, String rerunOf) {

        public StartRequest(String pipeline, Canvas canvas, JsonNode input, String requestId, String source) {
            this(pipeline, canvas, input, requestId, source, null, null);
        }

        /** The same request with the chain id it must take (a Kafka request's: the same record always starts the same run). */
        public StartRequest withChainId(String id) {
            return new StartRequest(pipeline, canvas, input, requestId, source, id, rerunOf);
        }

        /** The same request as a re-run of the run {@code chainId}. */
        public StartRequest asRerunOf(String chainId) {
            return new StartRequest(pipeline, canvas, input, requestId, source, this.chainId, chainId);
        }
    }

    /** What a start request led to: a new run, or the run an earlier request with the same id started. */
    public record Started(String chainId, boolean existing) {
    }

    public enum Change { DONE, NOT_FOUND, NOT_ALLOWED }

    private final ExecutionStore store;
    private final Advancer advancer;
    private final PlanCache plans;
    private final OutboxPublisher publisher;
    private final JoinFeeder joinFeeder;
    private final CanvasJson canvasJson;
    private final JsonMapper json;
    private final EngineMetrics metrics;
    /** Stores what changed, on a thread of its own; the engine gives it copies of the changes ({@link CommitCallbacks}). */
    private final GroupCommit groupCommit;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition committedCondition = lock.newCondition();
    /** The runs this engine holds: unfinished ones, and ended ones until their end is stored. */
    private final Map<String, ChainRecords> runs = new HashMap<>();
    private final Map<String, String> requestIds = new HashMap<>();
    /** Runs changed since they were last taken for a commit, the longest waiting first (records compare by identity). */
    private final Set<ChainRecords> dirty = new LinkedHashSet<>();
    /** Runs with a task waiting for its retry backoff: the retry timer looks at these only, not at every run. */
    private final Set<String> waitingToRetry = new HashSet<>();
    /** How many runs the engine holds (read by the committer without the lock). */
    private volatile int heldRuns;
    static final int LIGHT_LOAD_RUNS = 16;
    /**
     * At most this many runs' changes in one group commit: with H2, a transaction's cost per row grows
     * with its size (`bench/h2-records`: about 430 µs a chain3 run in commits of 100–250 runs, 700–1,000
     * µs in commits of 500–1,000), so a larger backlog is stored in several commits, one right after another.
     */
    static final int MAX_RUNS_PER_COMMIT = 200;

    /** Events, revocations and dead letters: published once the commit that stores their cause is done. */
    private List<OutboxMessage> afterCommit = new ArrayList<>();
    /**
     * The sequence number of the last operation that left events, or a change no Kafka record
     * replays, for a commit: until that commit's messages are published, no event goes first (so
     * none overtakes them).
     */
    private long lastAfterCommit;
    /**
     * Events that may go before their commit ({@link Sending#ALL_FIRST}), held until a run ends or
     * the next commit begins: a lone run's events then reach Kafka, and wake each of their readers,
     * once at its end rather than once per report. Each Kafka request costs CPU in the broker and in
     * every thread it wakes, which a lone run's latency pays on two cores. Under the engine's lock.
     */
    private final List<OutboxMessage> heldEvents = new ArrayList<>();
    private List<Outbound.Observation> observations = new ArrayList<>();
    private final ConcurrentLinkedQueue<JoinCompletion> joinCompletions = new ConcurrentLinkedQueue<>();
    /**
     * While a backlog is stored in parts ({@link #takePartOfSnapshot}): the sequence number applied when
     * it began, and how many of the runs then waiting are still to be taken; the part that takes the
     * last of them completes that sequence (guarded by {@link #lock}).
     */
    private long backlogSequence;
    private int backlogRunsLeft;
    private long appliedSequence;
    private volatile long committedSequence;
    /** Group commits that failed so far (under {@link #lock}): a client waiting for its start learns of one at once. */
    private long failedCommits;
    private final LargeDispatches largeDispatches;
    /** Whether this instance holds the orchestrator lease: only then does it run or change anything. */
    private volatile boolean leading;

    private record JoinCompletion(String chainId, String node, boolean timedOut) {
    }

    public PipelineEngine(ExecutionStore store, ExecutionRecords executionRecords, OutboxStore outbox, TransactionTemplate transactions, TaskRegistry registry,
                          EngineSettings settings, OutboxPublisher publisher, JoinFeeder joinFeeder, JsonMapper json,
                          EngineMetrics metrics, RunSpans spans, ClaimChecks claims) {
        this.store = store;
        this.metrics = metrics;
        this.publisher = publisher;
        this.joinFeeder = joinFeeder;
        this.json = json;
        this.canvasJson = new CanvasJson(json);
        this.plans = new PlanCache(canvasJson);
        this.largeDispatches = new LargeDispatches(json, claims);
        this.advancer = new Advancer(registry, settings.joinTimeout(), settings.maxTasks(), claims::checkOut,
                settings.workersContinueChains());
        this.groupCommit = new GroupCommit(new CommitCallbacks(), executionRecords, outbox, transactions, publisher,
                metrics, spans, settings.commitInterval());
        groupCommit.start();
    }

    // ---- the orchestrator lease --------------------------------------------------------------

    void useLease(OrchestratorLease lease) {
        groupCommit.useLease(lease);
    }

    /** This instance took the orchestrator lease: from now on it runs and changes pipelines. */
    void lead() {
        lock.lock();
        try {
            leading = true;
            groupCommit.forgetFailure();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Another instance runs the orchestrator now: what this one held in memory and had not stored is
     * dropped (the new holder reads the same reports again from Kafka, whose offsets were not committed).
     */
    void standBy() {
        lock.lock();
        try {
            leading = false;
            runs.clear();
            waitingToRetry.clear();
            requestIds.clear();
            dirty.clear();
            afterCommit = new ArrayList<>();
            heldEvents.clear();
            observations = new ArrayList<>();
            joinCompletions.clear();
            committedCondition.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void requireLead() {
        if (!leading) {
            throw TaskFailure.unavailable("this instance does not run the orchestrator now (another instance holds its lease,"
                    + " or app.engine.orchestrator is false); try again, or send the request to the API");
        }
    }

    // ---- starting ---------------------------------------------------------------------------

    /** Records the pipeline and its tasks, then dispatches its first tasks; returns once the run is stored. */
    public Started start(StartRequest request) {
        return startAll(List.of(request)).get(0);
    }

    /**
     * Starts many pipelines and returns once they are stored, so an id handed to a client is never
     * unknown. Their first tasks are dispatched after that commit: a start the database refused
     * leaves nothing behind. A request id already known, or repeated within the batch, starts nothing new.
     */
    public List<Started> startAll(List<StartRequest> requests) {
        long sequence;
        List<Started> started;
        lock.lock();
        try {
            started = startLocked(requests, Sending.AFTER_COMMIT);
            sequence = appliedSequence;
        } finally {
            lock.unlock();
        }
        try {
            awaitDurable(sequence);
        } catch (RuntimeException e) {
            if (!forgetUnstored(started)) {
                throw e;
            }
        }
        return started;
    }

    /**
     * Starts pipelines from Kafka requests without waiting for their commit: their first tasks go out
     * at once. Returns the sequence number whose commit makes them durable (see {@link #committedSequence()}).
     */
    public long submitAll(List<StartRequest> requests) {
        lock.lock();
        try {
            startLocked(requests, Sending.ALL_FIRST);
            return appliedSequence;
        } finally {
            lock.unlock();
        }
    }

    private List<Started> startLocked(List<StartRequest> requests, Sending sending) {
        requireLead();
        Map<String, String> known = new HashMap<>(store.chainIdsForRequests(requests.stream()
                .map(StartRequest::requestId).filter(Objects::nonNull).filter(id -> !requestIds.containsKey(id)).toList()));
        known.putAll(requestIds);
        Set<String> storedChains = new java.util.HashSet<>(store.existingChainIds(requests.stream()
                .map(StartRequest::chainId).filter(Objects::nonNull).filter(id -> !runs.containsKey(id)).toList()));
        Instant now = Instant.now();
        Outbound out = new Outbound(json);
        List<Started> started = new ArrayList<>(requests.size());
        for (StartRequest request : requests) {
            String existing = request.requestId() == null ? null : known.get(request.requestId());
            if (existing == null && request.chainId() != null
                    && (runs.containsKey(request.chainId()) || storedChains.contains(request.chainId()))) {
                existing = request.chainId();   // a request read again after a restart: its run exists
            }
            if (existing != null) {
                started.add(new Started(existing, true));
                continue;
            }
            String chainId = request.chainId() != null ? request.chainId() : TimeOrderedIds.nextChainId();
            PipelineRow row = new PipelineRow(chainId, request.pipeline(), canvasJson.write(request.canvas()),
                    request.input() == null ? null : json.writeValueAsString(request.input()), request.requestId(),
                    request.source(), now, PipelineStatus.PENDING);
            row.rerunOf = request.rerunOf();
            ChainRecords records = ChainRecords.forNewPipeline(row);
            int firstMessage = out.messages().size();
            advancer.start(new Run(records, plans.remember(chainId, request.canvas()), json, now), out);
            List<OutboxMessage> first = out.messages().subList(firstMessage, out.messages().size());
            List<OutboxMessage> fitted = largeDispatches.fitted(List.copyOf(first));
            refuseUndeliverable(fitted);
            first.clear();
            first.addAll(fitted);
            runs.put(chainId, records);
            dirty.add(records);
            started.add(new Started(chainId, false));
            if (request.requestId() != null) {
                known.put(request.requestId(), chainId);
                requestIds.put(request.requestId(), chainId);
            }
        }
        heldRuns = runs.size();
        emit(out, sending);
        return started;
    }

    /**
     * A first message larger than Kafka takes, even made to fit ({@link LargeDispatches#fitted}: its task
     * arguments), could never be delivered: the run would be recorded and then never move. Refused
     * (413) before anything is recorded.
     */
    private static void refuseUndeliverable(List<OutboxMessage> messages) {
        for (OutboxMessage message : messages) {
            if (!KafkaTopics.fits(message.payload())) {
                throw TaskFailure.tooLarge("the input and task arguments make a " + message.payload().getBytes(StandardCharsets.UTF_8).length
                        + "-byte message to " + message.topic() + "; the limit is " + KafkaTopics.MAX_PAYLOAD_BYTES + " bytes");
            }
        }
    }

    /**
     * After a commit did not come in time: the runs this start created that are still not stored are
     * dropped, so a 503 leaves nothing behind. Returns whether all of them were stored after all.
     */
    private boolean forgetUnstored(List<Started> started) {
        return withNoCommitInFlight(() -> {   // no commit is writing them meanwhile
            boolean allStored = true;
            for (Started s : started) {
                if (s.existing()) {
                    continue;
                }
                ChainRecords records = runs.get(s.chainId());
                if (records == null) {
                    // gone from memory (this instance stood down, or the run ended and left): the database says
                    allStored &= !store.existingChainIds(List.of(s.chainId())).isEmpty();
                } else if (!records.stored()) {
                    allStored = false;
                    forget(records);
                }
            }
            return allStored;
        });
    }

    /** Runs {@code work} under the engine's lock with no commit in flight (a commit's order: its mutex, then the lock). */
    private <T> T withNoCommitInFlight(java.util.function.Supplier<T> work) {
        return groupCommit.withNoCommitInFlight(() -> {
            lock.lock();
            try {
                return work.get();
            } finally {
                lock.unlock();
            }
        });
    }

    // ---- reports, joins, commands -----------------------------------------------------------

    /**
     * Applies workers' reports (in order per chain) and advances their pipelines; the task messages
     * this dispatches go out at once. Returns the sequence number whose commit makes it durable.
     * A report whose application fails (a defect) fails its pipeline, naming the report; the others go on.
     */
    public long onTaskEvents(List<TaskEvent> events) {
        Map<String, List<TaskEvent>> byChain = new LinkedHashMap<>();
        events.forEach(e -> byChain.computeIfAbsent(e.chainId(), k -> new ArrayList<>()).add(e));
        lock.lock();
        try {
            requireLead();
            for (Map.Entry<String, List<TaskEvent>> chain : byChain.entrySet()) {
                try {
                    withRuns(Set.of(chain.getKey()), Sending.ALL_FIRST, (run, out) -> applyReports(run, chain.getValue(), out));
                } catch (RuntimeException e) {
                    if (EngineErrorHandling.isRetried(e)) {
                        throw e;
                    }
                    failOnReports(chain.getKey(), chain.getValue(), e);
                }
            }
            return appliedSequence;
        } finally {
            lock.unlock();
        }
    }

    private boolean applyReports(Run run, List<TaskEvent> reports, Outbound out) {
        boolean advanced = false;
        boolean changed = false;
        for (TaskEvent event : reports) {
            if (advancer.apply(run, event, out)) {
                changed = true;
                advanced |= event.type() == TaskEvent.Type.FINISHED;
            }
        }
        if (advanced) {
            advancer.reconcile(run, out);
        }
        return changed;
    }

    private void failOnReports(String chainId, List<TaskEvent> reports, RuntimeException failure) {
        String nodes = reports.stream().map(r -> r.node() + " (attempt " + r.attempt() + ")").distinct()
                .collect(Collectors.joining(", "));
        fail(chainId, "the orchestrator could not apply the report of task " + nodes + ": "
                + EngineErrorHandling.shorten(failure), failure, true);
    }

    /**
     * Ends a run as FAILURE with {@code error}. With {@code fromStored}, what is in memory is dropped
     * first (it may be what failed) and the run is failed from its stored records, if it has any.
     */
    private void fail(String chainId, String error, Throwable cause, boolean fromStored) {
        log.error("Failing pipeline {}: {}", chainId, error, cause);
        ChainRecords inMemory = runs.get(chainId);
        if (fromStored && inMemory != null && inMemory.stored()) {
            forget(inMemory);
        }
        try {
            withRuns(Set.of(chainId), Sending.TASKS_FIRST, (run, out) -> advancer.failRun(run, error, out));
        } catch (RuntimeException e) {
            if (EngineErrorHandling.isRetried(e)) {
                throw e;
            }
            log.error("Could not record the failure of pipeline {} either", chainId, e);
        }
    }

    /**
     * Drops a run from memory with everything of it not stored yet (its changes, its pending events):
     * a start that is answered 503, a run failed again from its stored records. Call with the lock held.
     */
    private void forget(ChainRecords records) {
        String chainId = records.pipeline().chainId;
        runs.remove(chainId);
        dirty.remove(records);
        if (records.pipeline().requestId != null) {
            requestIds.remove(records.pipeline().requestId);
        }
        afterCommit.removeIf(m -> chainId.equals(m.key()));
        groupCommit.forget(chainId);
    }

    /**
     * The join aggregator completed a join (or its deadline passed); applied at most once. Called on
     * the aggregator's own thread, so it is queued for the committer thread, which applies it at once,
     * without taking the engine's lock here: the aggregator must never wait for the engine while the
     * engine feeds it.
     */
    public void joinCompleted(String chainId, String node, boolean timedOut) {
        if (!leading) {
            return;   // another instance runs the orchestrator: it feeds its own aggregator
        }
        joinCompletions.add(new JoinCompletion(chainId, node, timedOut));   // the committer applies it at once
        groupCommit.request();
    }

    public Change cancel(String chainId) {
        return change(chainId, (run, out) -> {
            if (run.pipeline().status.terminal()) {
                return false;
            }
            advancer.cancel(run, out);
            return true;
        });
    }

    /** Revokes one task of a run that has not ended (see {@code Advancer#revokeTask}); an unknown node is a {@code TaskFailure}. */
    public Change revokeTask(String chainId, String node) {
        return change(chainId, (run, out) -> advancer.revokeTask(run, node, out));
    }

    /**
     * The input the task at {@code node} of a run was given, recomputed from the run's stored records
     * by the rules that dispatched it (for display: nothing is held or changed); null for an unknown
     * run or node.
     */
    public JsonNode storedInputOf(String chainId, String node) {
        ChainRecords records = store.load(List.of(chainId)).get(chainId);
        if (records == null) {
            return null;
        }
        Plan plan = Plan.of(canvasJson.parse(records.pipeline().canvas));
        Plan.Node planned = plan.node(node);
        return planned == null ? null : advancer.inputOf(new Run(records, plan, json, Instant.now()), planned);
    }

    /** Resumes a failed pipeline from its failed tasks, reusing every result that succeeded. */
    public Change resume(String chainId) {
        return resume(chainId, null);
    }

    /**
     * Resumes a failed pipeline; with {@code fromNode}, from that task on (it and the steps after it
     * run again). A node it has no task at, or a map that would run again, is a {@code TaskFailure}.
     */
    public Change resume(String chainId, String fromNode) {
        return change(chainId, (run, out) -> {
            if (run.pipeline().status != PipelineStatus.FAILURE) {
                return false;
            }
            if (fromNode == null) {
                advancer.resume(run, out);
            } else {
                advancer.resumeFrom(run, fromNode, out);
            }
            return true;
        });
    }

    /**
     * Runs {@code removal} on those of these runs that this engine does not hold, with no commit in
     * flight and under the engine's lock, so that none of them is taken up again (a retry, a late
     * report) or written while {@code removal} deletes its records. An ended run held only as a copy
     * of what is stored (loaded again for a late report, which changed nothing) is dropped and counts
     * as not held. The engine waits meanwhile: keep {@code removal} to one short transaction.
     */
    public <T> T withRunsNotHeld(Collection<String> chainIds, java.util.function.Function<List<String>, T> removal) {
        return withNoCommitInFlight(() -> {
            requireLead();
            List<String> notHeld = new ArrayList<>();
            for (String chainId : chainIds) {
                ChainRecords held = runs.get(chainId);
                if (held != null && held.stored() && held.pipeline().status.terminal() && !held.hasChanges()
                        && !dirty.contains(held) && !groupCommit.holdsUnstored(chainId)) {
                    forget(held);
                    held = null;
                }
                if (held == null) {
                    notHeld.add(chainId);
                }
            }
            return removal.apply(notHeld);
        });
    }

    /** A change a client waits for: answered once it is stored. */
    private Change change(String chainId, BiPredicate<Run, Outbound> operation) {
        boolean[] found = {false};
        boolean changed;
        long sequence;
        lock.lock();
        try {
            requireLead();
            changed = withRuns(Set.of(chainId), Sending.AFTER_COMMIT, (run, out) -> {
                found[0] = true;
                return operation.test(run, out);
            });
            sequence = appliedSequence;
        } finally {
            lock.unlock();
        }
        if (changed) {
            awaitDurable(sequence);
        }
        return changed ? Change.DONE : found[0] ? Change.NOT_ALLOWED : Change.NOT_FOUND;
    }

    // ---- timers -------------------------------------------------------------------------------

    /** Dispatches the next attempt of every task whose retry backoff has elapsed; returns how many. */
    public int dispatchDueRetries() {
        Instant now = Instant.now();
        lock.lock();
        try {
            if (!leading) {
                return 0;
            }
            Map<String, List<String>> due = new LinkedHashMap<>();
            for (Iterator<String> waiting = waitingToRetry.iterator(); waiting.hasNext(); ) {
                ChainRecords records = runs.get(waiting.next());
                boolean stillWaiting = false;
                if (records != null && !records.pipeline().status.terminal()) {
                    for (TaskRow task : records.tasks()) {
                        if (task.waitingToRetry()) {
                            stillWaiting = true;
                            if (!task.nextAttemptAt.isAfter(now)) {
                                due.computeIfAbsent(task.chainId, k -> new ArrayList<>()).add(task.node);
                            }
                        }
                    }
                }
                if (!stillWaiting) {
                    waiting.remove();   // retried, ended or left memory
                }
            }
            int[] dispatched = {0};
            for (Map.Entry<String, List<String>> chain : due.entrySet()) {
                withRuns(Set.of(chain.getKey()), Sending.TASKS_FIRST, (run, out) -> {
                    boolean any = false;
                    for (String node : chain.getValue()) {
                        if (advancer.retryNow(run, node, out)) {
                            dispatched[0]++;
                            any = true;
                        }
                    }
                    return any;
                });
            }
            return dispatched[0];
        } finally {
            lock.unlock();
        }
    }

    /** Joins past their deadline that the aggregator did not complete: completed as timed out. */
    public void expireOverdueJoins() {
        Instant overdue = Instant.now().minusSeconds(5);
        lock.lock();
        try {
            if (!leading) {
                return;
            }
            List<JoinRow> expired = new ArrayList<>();
            for (ChainRecords records : runs.values()) {
                for (JoinRow join : records.joins()) {
                    if (join.status == JoinRow.Status.OPEN && join.deadline.isBefore(overdue)) {
                        expired.add(join);
                    }
                }
            }
            for (JoinRow join : expired) {
                withRuns(Set.of(join.chainId), Sending.TASKS_FIRST, (run, out) -> advancer.completeJoin(run, join.node, true, out));
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * After a start (and after a crash): takes up every run that has not ended. Each is reconciled
     * (what was ready and not dispatched is dispatched) and the join aggregator hears again of its
     * open joins and of the members that already settled (its state lives in memory).
     */
    public void recover() {
        List<String> unfinished = store.unfinishedChainIds();
        if (unfinished.isEmpty()) {
            return;
        }
        log.info("Taking up {} unfinished pipelines", unfinished.size());
        lock.lock();
        try {
            for (int from = 0; from < unfinished.size(); from += 500) {
                List<String> batch = unfinished.subList(from, Math.min(unfinished.size(), from + 500));
                try {
                    takeUp(batch);
                } catch (RuntimeException e) {
                    if (EngineErrorHandling.isRetried(e)) {
                        throw e;
                    }
                    // one run whose records cannot be read (a canvas that does not parse) must not keep the others
                    // back: the batch's runs are read again from the database (nothing of the failed pass was sent)
                    // and taken up one by one
                    batch.stream().map(runs::get).filter(Objects::nonNull).toList().forEach(this::forget);
                    for (String chainId : batch) {
                        try {
                            takeUp(List.of(chainId));
                        } catch (RuntimeException refused) {
                            if (EngineErrorHandling.isRetried(refused)) {
                                throw refused;
                            }
                            runs.remove(chainId);
                            log.error("Cannot take up pipeline {}; it is left as it is: {}", chainId,
                                    EngineErrorHandling.shorten(refused));
                        }
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void takeUp(List<String> chainIds) {
        withRuns(chainIds, Sending.TASKS_FIRST, (run, out) -> {
            advancer.rejoin(run, out);
            advancer.reconcile(run, out);
            return false;
        });
    }

    public void refreshMetrics() {
        metrics.refreshInFlight(store);
    }

    // ---- the unit of work ------------------------------------------------------------------------

    /**
     * Applies {@code operation} to these runs (from memory, else loaded from SQL); unknown ids are
     * skipped. Call with the lock held. Returns whether any run changed.
     */
    private boolean withRuns(Collection<String> chainIds, Sending sending, BiPredicate<Run, Outbound> operation) {
        List<String> missing = chainIds.stream().filter(id -> !runs.containsKey(id)).toList();
        if (!missing.isEmpty()) {
            Map<String, ChainRecords> loaded = store.load(missing);
            runs.putAll(loaded);
            loaded.forEach((chainId, records) -> {
                if (records.tasks().stream().anyMatch(TaskRow::waitingToRetry)) {
                    waitingToRetry.add(chainId);
                }
            });
        }
        Outbound out = new Outbound(json);
        Instant now = Instant.now();
        boolean changed = false;
        boolean recordsChanged = false;
        try {
            for (String chainId : chainIds) {
                ChainRecords records = runs.get(chainId);
                if (records == null) {
                    continue;
                }
                Run run = new Run(records, plans.plan(chainId, records.pipeline().canvas), json, now);
                MDC.put("chain_id", chainId);
                try {
                    changed |= operation.test(run, out);
                } finally {
                    MDC.remove("chain_id");
                }
                if (run.hasRetryScheduled()) {
                    waitingToRetry.add(chainId);
                }
                if (records.hasChanges()) {
                    dirty.add(records);
                    recordsChanged = true;
                }
            }
        } finally {
            for (String chainId : missing) {
                // an ended run read back for a late report (or a refused request) that changed nothing leaves memory again
                ChainRecords records = runs.get(chainId);
                if (records != null && records.pipeline().status.terminal() && !dirty.contains(records)) {
                    runs.remove(chainId);
                }
            }
            heldRuns = runs.size();
        }
        emit(out, sending);
        if (sending != Sending.ALL_FIRST && recordsChanged) {
            lastAfterCommit = appliedSequence;   // no Kafka record brings this change back after a crash
        }
        return changed;
    }

    /**
     * When an operation's messages go to Kafka: before its commit, or through the outbox after it.
     * Sent first, a message reaches its reader a commit sooner; it is in Kafka before the commit
     * ({@link OutboxPublisher#flushSentFirst()}), and so before the offsets of the records that caused it.
     */
    private enum Sending {
        /** A change a client waits for: all after the commit. */
        AFTER_COMMIT,
        /**
         * Timers, commands, runs failed by the engine: task messages first (were the change lost in a
         * crash, a task would run once more, its report applied once), events after the commit.
         */
        TASKS_FIRST,
        /**
         * What Kafka records caused (workers' reports, Kafka requests): everything first while the
         * engine is lightly loaded (at most {@link #LIGHT_LOAD_RUNS} runs held), where a run's end
         * would otherwise wait for nothing but its commit. Were the change lost in a crash, the
         * records are read again and cause the same change and messages, so an event never announces
         * what the records will not hold. Under load events wait for their commit, which gathers
         * many runs anyway: the records then keep pace with the events instead of trailing them
         * (sent first, the events of a 6,000-run burst ran up to 10 s ahead of the database).
         */
        ALL_FIRST
    }

    /**
     * Task messages too large for Kafka fail their run; the others go out now or after the commit
     * ({@link Sending}); events that may go first wait for a run's end or the next commit
     * ({@link #heldEvents}). Events keep their order: while any wait for a commit, new ones wait too.
     */
    private void emit(Outbound out, Sending sending) {
        appliedSequence++;
        boolean runEnded = out.observations().stream().anyMatch(o -> o.pipeline() && !PipelineStatus.PENDING.name().equals(o.status()));
        if (runEnded) {
            releaseHeldEvents();
        }
        List<String> tooLarge = new ArrayList<>();
        for (OutboxMessage message : largeDispatches.fitted(out.messages())) {
            boolean dispatch = Outbound.isDispatch(message);
            if (dispatch && !KafkaTopics.fits(message.payload())) {
                tooLarge.add(message.key());
                log.error("A {}-character message to {} is over Kafka's record limit", message.payload().length(), message.topic());
            } else if (publisher.kafkaFailing()) {
                // everything goes through the outbox: a send would wait its max.block under the engine's
                // lock, and hold back every client and consumer
                afterCommit(message, dispatch);
            } else if (dispatch && sending != Sending.AFTER_COMMIT) {
                publisher.sendFirst(message);
            } else if (sending == Sending.ALL_FIRST && heldRuns <= LIGHT_LOAD_RUNS
                    && KafkaTopics.fits(message.payload()) && lastAfterCommit <= groupCommit.publishedSequence()) {
                if (runEnded || !message.topic().equals(Topics.EVENTS)) {
                    publisher.sendFirst(message);
                } else {
                    heldEvents.add(message);
                }
            } else {
                afterCommit(message, dispatch);
            }
        }
        observations.addAll(out.observations());
        if (runEnded) {
            groupCommit.request();   // a run ended: its record (and, unless sent first, its event) at once when idle
        }
        if (!out.joinFeeds().isEmpty()) {
            try {
                joinFeeder.feed(out.joinFeeds());
            } catch (RuntimeException e) {
                // the records hold what the join needs: the overdue-join timer completes it at its deadline
                log.error("Join aggregator refused feeds {}: {}", out.joinFeeds(), e.toString());
            }
        }
        for (String chainId : tooLarge) {
            fail(chainId, "too_large: the next task message is over " + KafkaTopics.MAX_PAYLOAD_BYTES
                    + " bytes (the results it carries are too large for a Kafka record)", null, false);
        }
    }

    /** A message published once its commit is done; an event holds back those after it until then. */
    private void afterCommit(OutboxMessage message, boolean dispatch) {
        afterCommit.add(message);
        if (!dispatch) {
            lastAfterCommit = appliedSequence;
        }
    }

    /**
     * Sends the {@link #heldEvents} first, in their order; while Kafka refuses messages they wait for
     * the commit instead, ahead of the events that came after them. Under the lock.
     */
    private void releaseHeldEvents() {
        if (heldEvents.isEmpty()) {
            return;
        }
        if (publisher.kafkaFailing()) {
            afterCommit.addAll(0, heldEvents);
            lastAfterCommit = appliedSequence;
        } else {
            heldEvents.forEach(publisher::sendFirst);
        }
        heldEvents.clear();
    }

    // ---- reading what is held ------------------------------------------------------------------

    /**
     * The run as this orchestrator holds it: newer than its stored record while a change is not
     * committed yet (its events may already be out, see {@link Sending#ALL_FIRST}). Empty when the
     * run is not in memory or this instance does not run the orchestrator.
     */
    public Optional<PipelineRow> heldPipeline(String chainId) {
        return held(chainId, records -> records.pipeline().copy());
    }

    /** The run's tasks as this orchestrator holds them, in the order the store lists them; see {@link #heldPipeline}. */
    public Optional<List<TaskRow>> heldTasks(String chainId) {
        return held(chainId, records -> records.tasks().stream().map(TaskRow::copy)
                .sorted(Comparator.comparing((TaskRow t) -> t.createdAt).thenComparing(t -> t.node)).toList());
    }

    private <T> Optional<T> held(String chainId, java.util.function.Function<ChainRecords, T> copy) {
        if (!leading) {
            return Optional.empty();
        }
        lock.lock();
        try {
            ChainRecords records = runs.get(chainId);
            return records == null ? Optional.empty() : Optional.of(copy.apply(records));
        } finally {
            lock.unlock();
        }
    }

    // ---- group commit ----------------------------------------------------------------------------

    /** The highest sequence number whose changes are stored. */
    public long committedSequence() {
        return committedSequence;
    }

    /** Whether the last commit succeeded; while it fails, the engine's consumers wait instead of piling up work. */
    public void checkCommitting() {
        RuntimeException failure = groupCommit.lastFailure();
        if (failure != null && EngineErrorHandling.isRetried(failure)) {
            throw failure;
        }
    }

    private void awaitDurable(long sequence) {
        long deadline = System.nanoTime() + DURABLE_WAIT.toNanos();
        groupCommit.request();
        lock.lock();
        long failedBefore = failedCommits;
        try {
            while (true) {
                // checked first: an instance that stands down releases its waiters as if committed
                if (!leading) {
                    throw TaskFailure.unavailable("this instance stopped running the orchestrator before the change was stored");
                }
                if (committedSequence >= sequence) {
                    return;
                }
                RuntimeException failure = groupCommit.lastFailure();
                if (failedCommits > failedBefore) {
                    // the broker or the database is away: the next commits fail too, so the client hears it now, not in DURABLE_WAIT
                    if (publisher.kafkaFailing()) {
                        throw TaskFailure.unavailable("Kafka is unavailable; the change was not stored, try again later");
                    }
                    if (EngineErrorHandling.isDatabaseAway(failure)) {
                        throw TaskFailure.unavailable("the database is unavailable (" + failure.getMessage()
                                + "); the change was not stored, try again later");
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw TaskFailure.unavailable("the database did not store the change in time"
                            + (failure == null ? "" : " (" + failure.getMessage() + ")") + "; try again later");
                }
                committedCondition.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TaskFailure.unavailable("interrupted while storing the change");
        } finally {
            lock.unlock();
        }
    }

    /**
     * What the group commit takes from the engine and tells it back ({@link GroupCommit.Changes}): the
     * engine's own state, changed under its lock.
     */
    private final class CommitCallbacks implements GroupCommit.Changes {

        /** Takes, under the lock, copies of everything changed; null when this instance does not run the orchestrator. */
        @Override
        public GroupCommit.Snapshot take() {
            lock.lock();
            try {
                if (!leading) {
                    heldEvents.clear();   // the records that caused them are read again by the instance that leads
                    joinCompletions.clear();
                    markCommitted(appliedSequence);
                    return null;
                }
                for (JoinCompletion c = joinCompletions.poll(); c != null; c = joinCompletions.poll()) {
                    JoinCompletion completion = c;
                    withRuns(Set.of(c.chainId()), Sending.TASKS_FIRST, (run, out) -> advancer.completeJoin(run, completion.node(), completion.timedOut(), out));
                }
                // in Kafka before this commit stores their cause (its flushSentFirst), so before the offsets of
                // the records that caused them are committed
                releaseHeldEvents();
                if (dirty.size() > MAX_RUNS_PER_COMMIT && backlogRunsLeft <= 0) {
                    backlogSequence = appliedSequence;   // a backlog begins: see takePartOfSnapshot
                    backlogRunsLeft = dirty.size();
                }
                Map<String, ChangeSet> changes = new LinkedHashMap<>();
                List<ChainRecords> records = new ArrayList<>(Math.min(dirty.size(), MAX_RUNS_PER_COMMIT));
                for (Iterator<ChainRecords> it = dirty.iterator(); it.hasNext() && records.size() < MAX_RUNS_PER_COMMIT; ) {
                    ChainRecords chain = it.next();
                    it.remove();
                    records.add(chain);
                    changes.put(chain.pipeline().chainId, chain.takeChanges());
                }
                if (!dirty.isEmpty()) {
                    return takePartOfSnapshot(changes, records);
                }
                backlogRunsLeft = 0;
                GroupCommit.Snapshot snapshot = new GroupCommit.Snapshot(appliedSequence, changes, records, afterCommit, observations, false);
                afterCommit = new ArrayList<>();
                observations = new ArrayList<>();
                return snapshot;
            } finally {
                lock.unlock();
            }
        }

        /** A commit is stored: waiters go on, and runs that ended and did not change since leave memory. */
        @Override
        public void stored(long sequence, List<ChainRecords> stored) {
            lock.lock();
            try {
                stored.forEach(ChainRecords::markStored);
                for (ChainRecords chain : stored) {
                    PipelineRow pipeline = chain.pipeline();
                    if (pipeline.status.terminal() && !dirty.contains(chain) && runs.get(pipeline.chainId) == chain) {
                        runs.remove(pipeline.chainId);
                        if (pipeline.requestId != null) {
                            requestIds.remove(pipeline.requestId);
                        }
                    }
                }
                heldRuns = runs.size();
                markCommitted(sequence);
            } finally {
                lock.unlock();
            }
        }

        /** Wakes the callers waiting for a commit, as a success does: one that waits on Kafka gives up now. */
        @Override
        public void failed() {
            lock.lock();
            try {
                failedCommits++;
                committedCondition.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /**
         * The database refused a run's changes for a reason a retry would repeat (the group commit stored
         * the others one by one): a run never stored is dropped, any other ends FAILURE with the error,
         * from its stored records.
         */
        @Override
        public void refused(String chainId, ChangeSet changes, RuntimeException e) {
            lock.lock();
            try {
                ChainRecords records = runs.get(chainId);
                String why = EngineErrorHandling.shorten(e);
                if (records != null && !records.stored()) {
                    log.error("Dropping pipeline {}: the database refused to store it ({})", chainId, why);
                    forget(records);
                } else {
                    fail(chainId, "the orchestrator could not " + whatFailed(changes, records) + ": " + why, e, true);
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int heldRuns() {
            return heldRuns;
        }
    }

    /**
     * Under {@link #lock}, when some runs must wait for the next commit: a snapshot of the
     * {@link #MAX_RUNS_PER_COMMIT} runs changed longest ago (taken by {@link CommitCallbacks#take}), with the
     * messages and observations of those runs (the others' wait with them: a message never goes out
     * before the change that caused it is stored); the next commit follows at once. A caller waiting
     * for the commit of its change goes on once every run that was waiting when the backlog began is
     * stored: those come first, since runs are taken in the order they changed, so a backlog that never
     * empties (a sustained overload) still completes its sequence numbers, one backlog's worth at a time.
     */
    private GroupCommit.Snapshot takePartOfSnapshot(Map<String, ChangeSet> changes, List<ChainRecords> records) {
        Set<String> waiting = new HashSet<>();
        dirty.forEach(chain -> waiting.add(chain.pipeline().chainId));
        List<OutboxMessage> messages = takeOut(afterCommit, m -> !waiting.contains(m.key()));
        List<Outbound.Observation> seen = takeOut(observations, o -> !waiting.contains(o.chainId()));
        backlogRunsLeft -= records.size();
        return new GroupCommit.Snapshot(backlogRunsLeft <= 0 ? backlogSequence : committedSequence, changes, records,
                messages, seen, true);
    }

    /** Removes from {@code items} those that pass {@code taken}, in order, and returns them. */
    private static <T> List<T> takeOut(List<T> items, Predicate<T> taken) {
        List<T> out = new ArrayList<>();
        items.removeIf(item -> taken.test(item) && out.add(item));
        return out;
    }

    /** "apply the report of task 0 (attempt 1)": the reports whose outcome the database refused to store. */
    private static String whatFailed(ChangeSet changes, ChainRecords records) {
        Map<String, String> nodes = new HashMap<>();
        if (records != null) {
            records.tasks().forEach(t -> nodes.put(t.taskId, t.node));
        }
        String reports = changes.attempts().stream()
                .map(a -> nodes.getOrDefault(a.taskId(), "?") + " (attempt " + a.attempt() + ")").distinct()
                .collect(Collectors.joining(", "));
        return reports.isEmpty() ? "store the pipeline's changes" : "apply the report of task " + reports;
    }

    private void markCommitted(long sequence) {
        committedSequence = Math.max(committedSequence, sequence);
        committedCondition.signalAll();
    }

    /** Stores what changed now (a clean stop). */
    void storeNow() {
        groupCommit.commitNow();
    }

    @Override
    public void destroy() throws InterruptedException {
        groupCommit.stop();
    }
}

package ai.pipeline.orchestration.engine;

import ai.pipeline.orchestration.canvas.Canvas;
import ai.pipeline.orchestration.canvas.CanvasJson;
import ai.pipeline.orchestration.engine.Messages.TaskEvent;
import ai.pipeline.orchestration.store.ChainRecords;
import ai.pipeline.orchestration.store.ExecutionStore;
import ai.pipeline.orchestration.store.JoinRow;
import ai.pipeline.orchestration.store.OutboxBatch;
import ai.pipeline.orchestration.store.OutboxMessage;
import ai.pipeline.orchestration.store.PipelineRow;
import ai.pipeline.orchestration.store.PipelineStatus;
import ai.pipeline.platform.KafkaTopics;
import ai.pipeline.shared.task.TaskFailure;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs canvases: every operation locks the pipeline's row, lets the {@link Advancer} decide,
 * writes the changes and the resulting messages in one transaction, then (after commit) tells the
 * join aggregator and hands the messages to the {@link OutboxPublisher}.
 */
@Service
public class PipelineEngine {

    private static final Logger log = LoggerFactory.getLogger(PipelineEngine.class);

    /** A pipeline to start: {@code requestId} (optional) makes a resend start nothing new. */
    public record StartRequest(String pipeline, Canvas canvas, JsonNode input, String requestId, String source) {
    }

    /** What a start request led to: a new run, or the run an earlier request with the same id started. */
    public record Started(String chainId, boolean existing) {
    }

    public enum Change { DONE, NOT_FOUND, NOT_ALLOWED }

    private final ExecutionStore store;
    private final TransactionTemplate transactions;
    private final Advancer advancer;
    private final PlanCache plans;
    private final OutboxPublisher publisher;
    private final JoinFeeder joinFeeder;
    private final CanvasJson canvasJson;
    private final JsonMapper json;
    private final EngineMetrics metrics;

    public PipelineEngine(ExecutionStore store, TransactionTemplate transactions, TaskRegistry registry,
                          EngineSettings settings, OutboxPublisher publisher, JoinFeeder joinFeeder, JsonMapper json,
                          EngineMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
        this.transactions = transactions;
        this.publisher = publisher;
        this.joinFeeder = joinFeeder;
        this.json = json;
        this.canvasJson = new CanvasJson(json);
        this.plans = new PlanCache(canvasJson);
        this.advancer = new Advancer(registry, settings.joinTimeout(), settings.maxTasks());
    }

    /** Records the pipeline and its tasks, then dispatches its first tasks. */
    public Started start(StartRequest request) {
        return startAll(List.of(request)).get(0);
    }

    /**
     * Starts many pipelines in one transaction (the Kafka ingress takes requests in batches). A
     * request id already known, or repeated within the batch, starts nothing new.
     */
    public List<Started> startAll(List<StartRequest> requests) {
        Map<String, String> known = new HashMap<>(store.chainIdsForRequests(requests.stream()
                .map(StartRequest::requestId).filter(Objects::nonNull).toList()));
        Instant now = Instant.now();
        Outbound out = new Outbound(json);
        List<Started> started = new ArrayList<>(requests.size());
        List<ChainRecords> created = new ArrayList<>();
        for (StartRequest request : requests) {
            String existing = request.requestId() == null ? null : known.get(request.requestId());
            if (existing != null) {
                started.add(new Started(existing, true));
                continue;
            }
            String chainId = UUID.randomUUID().toString();
            PipelineRow row = new PipelineRow(chainId, request.pipeline(), canvasJson.write(request.canvas()),
                    request.input() == null ? null : json.writeValueAsString(request.input()), request.requestId(),
                    request.source(), now, PipelineStatus.PENDING);
            ChainRecords records = ChainRecords.forNewPipeline(row);
            int firstMessage = out.messages().size();
            advancer.start(new Run(records, plans.remember(chainId, request.canvas()), json, now), out);
            refuseUndeliverable(out.messages().subList(firstMessage, out.messages().size()));
            created.add(records);
            started.add(new Started(chainId, false));
            if (request.requestId() != null) {
                known.put(request.requestId(), chainId);
            }
        }
        OutboxBatch stored;
        try {
            stored = transactions.execute(status -> {
                store.save(created);
                return store.addToOutbox(out.messages());
            });
        } catch (DuplicateKeyException e) {
            if (requests.size() == 1) {
                // the same request id won a race with us
                return List.of(store.chainIdsForRequests(List.of(requests.get(0).requestId())).entrySet().stream()
                        .findFirst().map(entry -> new Started(entry.getValue(), true)).orElseThrow(() -> e));
            }
            return requests.stream().map(this::start).toList();
        }
        afterCommit(stored, out);
        return started;
    }

    /**
     * A first message larger than Kafka takes could never be delivered: the run would be recorded
     * and then never move, and the outbox would retry it forever. Refused (413) before anything is recorded.
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
     * Applies workers' reports (in order per chain) and advances their pipelines. A batch that fails
     * for a reason a retry would repeat (a defect, or a report the database refuses) is applied again
     * one pipeline at a time, and a pipeline whose reports still fail ends FAILURE with the error: the
     * other pipelines of the batch go on, and none is left RUNNING on reports that were skipped.
     */
    public void onTaskEvents(List<TaskEvent> events) {
        Map<String, List<TaskEvent>> byChain = new LinkedHashMap<>();
        events.forEach(e -> byChain.computeIfAbsent(e.chainId(), k -> new ArrayList<>()).add(e));
        try {
            applyReports(byChain);
        } catch (RuntimeException e) {
            if (EngineErrorHandling.isRetried(e)) {
                throw e;
            }
            if (byChain.size() == 1) {
                String chainId = byChain.keySet().iterator().next();
                failOnReports(chainId, byChain.get(chainId), e);
                return;
            }
            byChain.values().forEach(this::onTaskEvents);
        }
    }

    private void applyReports(Map<String, List<TaskEvent>> byChain) {
        withRuns(byChain.keySet(), (run, out) -> {
            boolean advanced = false;
            boolean changed = false;
            for (TaskEvent event : byChain.get(run.chainId())) {
                if (advancer.apply(run, event, out)) {
                    changed = true;
                    advanced |= event.type() == TaskEvent.Type.FINISHED;
                }
            }
            if (advanced) {
                advancer.reconcile(run, out);
            }
            return changed;
        });
    }

    private void failOnReports(String chainId, List<TaskEvent> reports, RuntimeException failure) {
        String nodes = reports.stream().map(r -> r.node() + " (attempt " + r.attempt() + ")").distinct()
                .collect(Collectors.joining(", "));
        String cause = failure.toString();
        String error = "the orchestrator could not apply the report of task " + nodes + ": "
                + (cause.length() > 1000 ? cause.substring(0, 1000) + "…" : cause);  // a database error quotes its whole statement
        log.error("Failing pipeline {}: {}", chainId, error, failure);
        try {
            withRuns(Set.of(chainId), (run, out) -> advancer.failRun(run, error, out));
        } catch (RuntimeException e) {
            if (EngineErrorHandling.isRetried(e)) {
                throw e;
            }
            log.error("Could not record the failure of pipeline {} either; its reports {} are skipped", chainId, reports, e);
        }
    }

    /** The join aggregator completed a join (or its deadline passed); applied at most once. */
    public void completeJoin(String chainId, String node, boolean timedOut) {
        withRuns(Set.of(chainId), (run, out) -> advancer.completeJoin(run, node, timedOut, out));
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

    /** Resumes a failed pipeline from its failed tasks, reusing every result that succeeded. */
    public Change resume(String chainId) {
        return change(chainId, (run, out) -> {
            if (run.pipeline().status != PipelineStatus.FAILURE) {
                return false;
            }
            advancer.resume(run, out);
            return true;
        });
    }

    /** Dispatches the next attempt of every task whose retry backoff has elapsed; returns how many. */
    public int dispatchDueRetries() {
        List<String[]> due = store.dueRetries(Instant.now(), 500);
        if (due.isEmpty()) {
            return 0;
        }
        Map<String, List<String>> byChain = new LinkedHashMap<>();
        due.forEach(d -> byChain.computeIfAbsent(d[0], k -> new ArrayList<>()).add(d[1]));
        int[] dispatched = {0};
        withRuns(byChain.keySet(), (run, out) -> {
            boolean any = false;
            for (String node : byChain.get(run.chainId())) {
                if (advancer.retryNow(run, node, out)) {
                    dispatched[0]++;
                    any = true;
                }
            }
            return any;
        });
        return dispatched[0];
    }

    /**
     * After a restart: tells the aggregator about every open join again (its state may have been
     * lost between a member's result and the aggregator), and completes joins whose deadline passed.
     */
    public void recoverJoins() {
        List<JoinRow> open = store.openJoins();
        Set<String> chains = new TreeSet<>();
        open.forEach(j -> chains.add(j.chainId));
        if (chains.isEmpty()) {
            return;
        }
        log.info("Recovering {} open joins of {} pipelines", open.size(), chains.size());
        withRuns(chains, (run, out) -> {
            advancer.rejoin(run, out);
            return false;
        });
    }

    /** Joins past their deadline that the aggregator did not complete (lost state): completed as timed out. */
    public void expireOverdueJoins() {
        Instant now = Instant.now();
        for (JoinRow join : store.openJoins()) {
            if (join.deadline.isBefore(now.minusSeconds(5))) {
                completeJoin(join.chainId, join.node, true);
            }
        }
    }

    public void refreshMetrics() {
        metrics.refreshInFlight(store);
    }

    private Change change(String chainId, BiPredicate<Run, Outbound> operation) {
        boolean[] found = {false};
        boolean changed = withRuns(Set.of(chainId), (run, out) -> {
            found[0] = true;
            return operation.test(run, out);
        });
        return changed ? Change.DONE : found[0] ? Change.NOT_ALLOWED : Change.NOT_FOUND;
    }

    /**
     * Locks and loads these runs, applies {@code operation} to each, saves what changed with the
     * resulting outbox messages in one transaction, then publishes. Returns whether any run changed.
     */
    private boolean withRuns(Collection<String> chainIds, BiPredicate<Run, Outbound> operation) {
        Outbound out = new Outbound(json);
        boolean[] changed = {false};
        OutboxBatch stored = transactions.execute(status -> {
            Instant now = Instant.now();
            Map<String, ChainRecords> loaded = store.lockAndLoad(chainIds);
            List<ChainRecords> touched = new ArrayList<>();
            for (ChainRecords records : loaded.values()) {
                Run run = new Run(records, plans.plan(records.pipeline().chainId, records.pipeline().canvas), json, now);
                MDC.put("chain_id", run.chainId());
                try {
                    if (operation.test(run, out)) {
                        changed[0] = true;
                    }
                } finally {
                    MDC.remove("chain_id");
                }
                if (records.hasChanges()) {
                    touched.add(records);
                }
            }
            store.save(touched);
            return store.addToOutbox(out.messages());
        });
        afterCommit(stored, out);
        return changed[0];
    }

    private void afterCommit(OutboxBatch stored, Outbound out) {
        metrics.record(out.observations());
        // the aggregator hears of a join before any member can report to it
        if (!out.joinFeeds().isEmpty()) {
            try {
                joinFeeder.feed(out.joinFeeds());
            } catch (RuntimeException e) {
                // the records are committed; recovery at start and the overdue-join timer complete the join
                log.error("Join aggregator refused feeds {}: {}", out.joinFeeds(), e.toString());
            }
        }
        publisher.publish(stored);
    }
}

package ai.pipeline.orchestration;

import ai.pipeline.orchestration.canvas.Canvas;
import ai.pipeline.orchestration.canvas.CanvasOptions;
import ai.pipeline.orchestration.canvas.CanvasValidator;
import ai.pipeline.orchestration.canvas.InvalidCanvasException;
import ai.pipeline.orchestration.engine.OutboxPublisher;
import ai.pipeline.orchestration.engine.PipelineEngine;
import ai.pipeline.orchestration.pipelines.PipelineCatalog;
import ai.pipeline.orchestration.pipelines.PipelineDefinition;
import ai.pipeline.orchestration.scheduling.ScheduledRuns;
import ai.pipeline.orchestration.store.AttemptRow;
import ai.pipeline.orchestration.store.ExecutionStore;
import ai.pipeline.orchestration.store.HistoryFilter;
import ai.pipeline.orchestration.store.PipelineRow;
import ai.pipeline.orchestration.store.PipelineStatus;
import ai.pipeline.orchestration.store.TaskRow;
import ai.pipeline.platform.DatabaseHealthIndicator;
import ai.pipeline.shared.task.TaskFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/**
 * What every door (REST, the drop folder, Kafka) does with pipelines: start one by name or by
 * canvas, read its records, cancel it, resume it. Unknown ids are "not found", never "pending".
 */
@Service
public class PipelineService {

    /** The name recorded for runs of a canvas given at run time rather than a named pipeline. */
    public static final String WORKFLOW = "workflow";

    private final PipelineEngine engine;
    private final PipelineCatalog catalog;
    private final CanvasValidator validator;
    private final CanvasOptions options;
    private final ExecutionStore store;
    private final OutboxPublisher publisher;
    private final ScheduledRuns scheduled;
    private final DatabaseHealthIndicator database;

    public PipelineService(PipelineEngine engine, PipelineCatalog catalog, CanvasValidator validator,
                           CanvasOptions options, ExecutionStore store, OutboxPublisher publisher, ScheduledRuns scheduled,
                           DatabaseHealthIndicator database) {
        this.scheduled = scheduled;
        this.database = database;
        this.engine = engine;
        this.catalog = catalog;
        this.validator = validator;
        this.options = options;
        this.store = store;
        this.publisher = publisher;
    }

    public PipelineEngine.Started startPipeline(String name, JsonNode input, String requestId, String source) {
        return startPipeline(name, input, Map.of(), requestId, source);
    }

    /** Starts the named pipeline with {@code options} handed to the steps that take them. */
    public PipelineEngine.Started startPipeline(String name, JsonNode input, Map<String, ?> options, String requestId,
                                                String source) {
        return start(requestFor(name, input, options, requestId, source));
    }

    public PipelineEngine.Started startCanvas(Canvas canvas, JsonNode input, String requestId, String source) {
        return start(requestFor(canvas, input, requestId, source));
    }

    /**
     * A checked request to start the named pipeline, its options in the args of the steps that take
     * them; unknown names are "not found", an option no step takes (or of the wrong type) is bad input.
     */
    public PipelineEngine.StartRequest requestFor(String name, JsonNode input, Map<String, ?> options, String requestId,
                                                  String source) {
        PipelineDefinition definition = catalog.find(name).orElseThrow(() ->
                TaskFailure.notFound("no pipeline named '" + name + "'"));
        Canvas canvas = this.options.apply(definition.name(), definition.canvas(), options);
        return new PipelineEngine.StartRequest(definition.name(), canvas, input, requestId, source);
    }

    /** A checked request to run a canvas given at run time; an invalid canvas is bad input naming the node. */
    public PipelineEngine.StartRequest requestFor(Canvas canvas, JsonNode input, String requestId, String source) {
        try {
            validator.validate(canvas);
        } catch (InvalidCanvasException e) {
            throw TaskFailure.invalidInput("invalid canvas: " + e.getMessage());
        }
        return new PipelineEngine.StartRequest(WORKFLOW, canvas, input, requestId, source);
    }

    /**
     * Starts checked requests without waiting for them to be stored (the Kafka door: the request
     * stays unconfirmed in Kafka until then); returns the engine sequence number that makes them durable.
     */
    public long submitAll(List<PipelineEngine.StartRequest> requests) {
        refuseWhileUnavailable();
        return engine.submitAll(requests);
    }

    /** The engine sequence number whose changes are stored (see {@link #submitAll}). */
    public long committedSequence() {
        return engine.committedSequence();
    }

    /** Throws (a transient failure, which the Kafka door waits out) while the engine cannot store its changes. */
    public void checkCommitting() {
        engine.checkCommitting();
    }

    public PipelineEngine.Started start(PipelineEngine.StartRequest request) {
        return startAll(List.of(request)).get(0);
    }

    /** Starts checked requests in one go; refused with 503 while Kafka refuses our messages or the database is known away. */
    public List<PipelineEngine.Started> startAll(List<PipelineEngine.StartRequest> requests) {
        refuseWhileUnavailable();
        return engine.startAll(requests);
    }

    private void refuseWhileUnavailable() {
        if (publisher.kafkaFailing()) {
            throw TaskFailure.unavailable("Kafka is unavailable; no pipeline can start now, try again later");
        }
        database.knownDown().ifPresent(why -> {
            throw TaskFailure.unavailable("the database is unavailable (" + why + "); no pipeline can start now, try again later");
        });
    }

    /** The run's record; a run started with a countdown or an eta is SCHEDULED until it starts. */
    /**
     * A run as stored; one the orchestrator holds but has not stored yet (its start event may go out
     * before the commit) as it holds it, so a chain id an event named is never unknown.
     */
    public PipelineRow get(String chainId) {
        return store.findPipeline(chainId).or(() -> engine.heldPipeline(chainId)).or(() -> scheduled.find(chainId))
                .orElseThrow(() -> TaskFailure.notFound("no pipeline with chain id " + chainId));
    }

    /**
     * A run's newest state: the orchestrator's copy while it holds the run, which may be a commit
     * ahead of the record (the events of what a Kafka record caused go out before the commit, see
     * {@link PipelineEngine}); else the record. For readers that act on those events.
     */
    public PipelineRow latest(String chainId) {
        return engine.heldPipeline(chainId).orElseGet(() -> get(chainId));
    }

    public List<TaskRow> tasks(String chainId) {
        get(chainId);
        List<TaskRow> stored = store.findTasks(chainId);
        return stored.isEmpty() ? engine.heldTasks(chainId).orElse(stored) : stored;
    }

    public List<AttemptRow> attempts(String chainId) {
        return store.findAttempts(chainId);
    }

    /** Cancels a run: one still waiting for its countdown or eta ends here, without ever starting. */
    public void cancel(String chainId) {
        if (scheduled.cancel(chainId)) {
            return;
        }
        switch (engine.cancel(chainId)) {
            case NOT_FOUND -> throw unknownToEngine(chainId, " and cannot be cancelled");
            case NOT_ALLOWED -> throw new TaskFailure(TaskFailure.Reason.CONFLICT,
                    "pipeline " + chainId + " is " + get(chainId).status + " and cannot be cancelled");
            default -> { }
        }
    }

    /** Revokes one task of a run that has not ended (see {@code PipelineEngine#revokeTask}). */
    public void revokeTask(String chainId, String node) {
        switch (engine.revokeTask(chainId, node)) {
            case NOT_FOUND -> throw unknownToEngine(chainId, " and has no task to revoke");
            case NOT_ALLOWED -> throw new TaskFailure(TaskFailure.Reason.CONFLICT, "pipeline " + chainId + " is "
                    + get(chainId).status + " and its task at " + node + " is " + tasks(chainId).stream()
                            .filter(task -> task.node.equals(node)).map(task -> task.state.name()).findFirst().orElse("unknown")
                    + ": only a task that has not ended can be revoked");
            default -> { }
        }
    }

    public void retry(String chainId) {
        retry(chainId, null);
    }

    /** Resumes a failed run; with {@code fromNode}, from that task on (see {@code PipelineEngine#resume}). */
    public void retry(String chainId, String fromNode) {
        switch (engine.resume(chainId, fromNode)) {
            case NOT_FOUND -> throw unknownToEngine(chainId, " and never started; re-run it instead");
            case NOT_ALLOWED -> throw new TaskFailure(TaskFailure.Reason.CONFLICT,
                    "pipeline " + chainId + " is " + get(chainId).status + "; only a FAILURE can be retried");
            default -> { }
        }
    }

    /**
     * What the engine not knowing a run means: not found, or a conflict for a run that waits for its
     * countdown (being started this moment, when a cancel comes too late) or ended while it waited.
     */
    private TaskFailure unknownToEngine(String chainId, String why) {
        return scheduled.find(chainId).map(row -> new TaskFailure(TaskFailure.Reason.CONFLICT, "pipeline " + chainId + " is "
                        + (row.status == PipelineStatus.SCHEDULED ? "starting now" : row.status) + why))
                .orElseGet(() -> TaskFailure.notFound("no pipeline with chain id " + chainId));
    }

    /**
     * A page of the runs a search finds: runs waiting for their countdown or eta (or that ended waiting)
     * first, newest first, then the engine's runs, newest first.
     */
    public List<PipelineRow> history(HistoryFilter filter, int page, int size) {
        long from = (long) page * size;
        long waiting = scheduled.count(filter);
        List<PipelineRow> rows = new ArrayList<>(from < waiting ? scheduled.history(filter, from, size) : List.of());
        rows.addAll(storeHistory(filter, Math.max(0, from - waiting), size - rows.size()));
        return rows;
    }

    public long historyTotal(HistoryFilter filter) {
        return store.countHistory(filter) + scheduled.count(filter);
    }

    /** {@code limit} of the store's runs from {@code offset}, read as its pages of {@code limit} (one or two of them). */
    private List<PipelineRow> storeHistory(HistoryFilter filter, long offset, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        int page = (int) (offset / limit);
        int skip = (int) (offset % limit);
        List<PipelineRow> rows = new ArrayList<>(store.history(filter, page, limit));
        if (skip > 0 && rows.size() == limit) {
            rows.addAll(store.history(filter, page + 1, limit));
        }
        return rows.subList(Math.min(skip, rows.size()), Math.min(skip + limit, rows.size()));
    }
}

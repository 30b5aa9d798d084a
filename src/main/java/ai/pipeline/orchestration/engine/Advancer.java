package ai.pipeline.orchestration.engine;

import ai.pipeline.platform.TimeOrderedIds;
import ai.pipeline.orchestration.canvas.ChordPolicy;
import ai.pipeline.orchestration.engine.Messages.ErrorInfo;
import ai.pipeline.orchestration.engine.Messages.PipelineEvent;
import ai.pipeline.orchestration.engine.Messages.TaskEvent;
import ai.pipeline.orchestration.engine.Messages.TaskMessage;
import ai.pipeline.orchestration.engine.Plan.Kind;
import ai.pipeline.orchestration.engine.Plan.Node;
import ai.pipeline.orchestration.store.AttemptRow;
import ai.pipeline.orchestration.store.JoinRow;
import ai.pipeline.orchestration.store.PipelineStatus;
import ai.pipeline.orchestration.store.TaskRow;
import ai.pipeline.orchestration.store.TaskState;
import ai.pipeline.shared.storage.RunFiles;
import ai.pipeline.shared.task.RetryPolicy;
import ai.pipeline.shared.task.TaskFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The canvas semantics, as plain decisions over a run's records: what to dispatch next, when a
 * group's members have all been reported to its join, when the pipeline is done. No Kafka, no SQL:
 * callers load the records, call one method and persist what changed plus the {@link Outbound}.
 *
 * <p>The core is {@link #reconcile}: it walks the plan from the root, passing each step's result to
 * the next, and dispatches every task whose input is ready and that has not been dispatched yet.
 * Because it works from the records alone, the same walk starts a pipeline, advances it after a
 * result, and resumes it after a retry request or a crash.
 *
 * <p>A canvas with an on-failure canvas ({@link Plan#onFailure()}) does not end when it fails: the
 * failure is recorded ({@code failedNode}, {@code error}), its unfinished tasks are revoked, and the
 * on-failure canvas's tasks are recorded and dispatched with the failure as their input
 * ({@link #onFailureInput}); the run ends FAILURE, with the same error, once they have all finished.
 */
final class Advancer {

    /** What walking a node found: done with a result, failed (where and why), or still running. */
    private record Outcome(boolean done, boolean failed, JsonNode result, String failedNode, String error) {
        static final Outcome RUNNING = new Outcome(false, false, null, null, null);

        static Outcome done(JsonNode result) {
            return new Outcome(true, false, result, null, null);
        }

        static Outcome failed(String node, String error) {
            return new Outcome(false, true, null, node, error);
        }
    }

    /** What {@code task_attempt.worker} holds. */
    static final int MAX_WORKER_NAME = 200;
    /**
     * How many chain steps a task message carries ahead of it ({@link Messages.Next}, nested): bounded, so a
     * long chain's messages stay small and shallow; the worker of the last one reports without sending
     * on, and the orchestrator dispatches the next step with the steps after it again.
     */
    static final int MAX_STEPS_AHEAD = 8;

    private final TaskRegistry registry;
    private final Duration defaultJoinTimeout;
    private final int maxTasks;
    private final BiFunction<String, JsonNode, JsonNode> readClaims;
    private final boolean workersContinueChains;

    /**
     * {@code maxTasks}: most items a map may run over ({@code app.engine.max-tasks}, as for a canvas);
     * {@code readClaims}: a value of a run's with the results it refers to in storage read back ({@link ClaimChecks#checkOut}),
     * for the one place the engine looks into a result: the list a map runs over;
     * {@code workersContinueChains}: a chain step's message carries the steps after it that its worker sends on
     * ({@code app.engine.workers-continue-chains}).
     */
    Advancer(TaskRegistry registry, Duration defaultJoinTimeout, int maxTasks, BiFunction<String, JsonNode, JsonNode> readClaims,
             boolean workersContinueChains) {
        this.registry = registry;
        this.defaultJoinTimeout = defaultJoinTimeout;
        this.maxTasks = maxTasks;
        this.readClaims = readClaims;
        this.workersContinueChains = workersContinueChains;
    }

    // ---- starting ---------------------------------------------------------------------------

    /** A new run: one PENDING row per task known now, then the first dispatches. */
    void start(Run run, Outbound out) {
        for (Node node : run.plan().staticTasks()) {
            run.records().addTask(newTaskRow(run, node));
        }
        out.publish(Topics.EVENTS, run.chainId(), pipelineEvent(run));
        out.observePipeline(run.chainId(), run.pipeline().pipeline, PipelineStatus.PENDING.name(), null, null, null);
        reconcile(run, out);
    }

    private TaskRow newTaskRow(Run run, Node node) {
        RetryPolicy retry = retryPolicy(node);
        return new TaskRow(TimeOrderedIds.next(), run.chainId(), node.path(), node.task().name(), run.now(),
                TaskState.PENDING, 0, retry.maxAttempts());
    }

    private RetryPolicy retryPolicy(Node node) {
        var retry = node.task().retry();
        return registry.retryPolicy(node.task().name(), retry == null ? null : retry.max(),
                retry == null ? null : retry.backoffMs());
    }

    // ---- applying worker reports ------------------------------------------------------------

    /**
     * Applies a worker's report to the run. A report for another attempt, for an attempt whose
     * outcome is already in (a task finished, revoked or waiting to retry), or for a run that already
     * ended changes nothing: that is how a result delivered twice advances the pipeline once, and how
     * a STARTED report that arrives after its attempt's failure cannot hide the pending retry.
     * Returns whether it changed anything. A report the records could not hold is refused here,
     * before it changes anything or announces anything (its events may go out before the commit).
     */
    boolean apply(Run run, TaskEvent event, Outbound out) {
        TaskRow task = run.task(event.node());
        if (task == null || !task.taskId.equals(event.taskId()) || run.pipeline().status.terminal()) {
            return false;
        }
        if (repeatedWithoutNext(task, event)) {
            sendNextAgain(run, task, out);
            return false;
        }
        if (overtook(run, task, event)) {
            // the report of the step before, which says so, is still on its way; it was sent before this one started
            task.sentOn(event.startedAt() != null ? event.startedAt() : run.now());
            run.records().changed(task);
        }
        if (task.attempt != event.attempt() || task.state.terminal() || task.waitingToRetry()) {
            return false;
        }
        if (event.worker() != null && event.worker().length() > MAX_WORKER_NAME) {
            throw new IllegalArgumentException("the worker name is longer than " + MAX_WORKER_NAME + " characters");
        }
        markRunning(run, out, event.startedAt() != null ? event.startedAt() : run.now());
        if (event.type() == TaskEvent.Type.STARTED) {
            if (task.state == TaskState.STARTED) {
                if (event.worker() == null || event.worker().equals(task.worker)) {
                    return false;
                }
                task.moveTo(event.worker(), event.startedAt());
                run.records().changed(task);
                return true;
            }
            task.start(event.startedAt(), event.worker());
            run.records().changed(task);
            out.publish(Topics.EVENTS, run.chainId(), taskEvent(run, task));
            return true;
        }
        task.attemptEnded(event.startedAt(), event.finishedAt() != null ? event.finishedAt() : run.now(), event.worker());
        if (event.outcome() == TaskEvent.Outcome.SUCCESS) {
            task.succeed(event.result() == null ? "null" : run.json().writeValueAsString(event.result()));
            run.records().addAttempt(attempt(task, "SUCCESS", null, event.worker()));
            if (event.sentNext() != null) {
                sentByWorker(run, run.plan().node(task.node), event.sentNext(), task.finishedAt);
            }
        } else {
            ErrorInfo error = event.error() != null ? event.error() : new ErrorInfo("error", "unknown error", true);
            if (error.retryable() && task.attempt < task.maxAttempts) {
                Node node = run.plan().node(task.node);
                task.retryAt(run.now().plus(retryPolicy(node).backoffBefore(task.attempt + 1)), error.describe());
                run.records().addAttempt(attempt(task, "RETRY", task.error, event.worker()));
                run.retryScheduled();
            } else {
                task.fail(error.describe());
                run.records().addAttempt(attempt(task, "FAILURE", task.error, event.worker()));
                out.publish(Topics.TASKS_DEAD_LETTER, run.chainId(), new Messages.DeadLetter(
                        deadLetterMessage(run, task), error, run.now()));
            }
        }
        run.records().changed(task);
        out.publish(Topics.EVENTS, run.chainId(), taskEvent(run, task));
        out.observeTask(task.name, task.state.name(), task.queuedAt, task.startedAt, task.finishedAt);
        if (task.state.terminal()) {
            settled(run, run.plan().node(task.node), out);
        }
        return true;
    }

    /**
     * The worker sent the chain's next step itself, as attempt {@code attempt}, when its task finished
     * ({@code at}): that step is dispatched (unless the records moved on meanwhile: it was revoked, or
     * it is dispatched already).
     */
    private static void sentByWorker(Run run, Node node, int attempt, Instant at) {
        Node after = nextTaskStep(node);
        TaskRow next = after == null ? null : run.task(after.path());
        if (next != null && next.state == TaskState.PENDING && !next.dispatched() && next.attempt + 1 == attempt) {
            next.sentOn(at);
            run.records().changed(next);
        }
    }

    /**
     * A report of a chain step that a worker sent on, arrived before the report of the step before it
     * (each worker sends its report and the next step together; Kafka orders records within a
     * partition only): the step is PENDING, never dispatched, and the report is of its next attempt.
     */
    private static boolean overtook(Run run, TaskRow task, TaskEvent event) {
        return task.state == TaskState.PENDING && !task.dispatched() && event.attempt() == task.attempt + 1 && mayBeSentOn(run, task);
    }

    /**
     * A report of an attempt that already succeeded, come again without saying it sent the next
     * step: its task message was read again (its first worker died after reporting), and this run
     * of it failed or did not send on. The next step's message may never have been sent.
     */
    private static boolean repeatedWithoutNext(TaskRow task, TaskEvent event) {
        return task.attempt == event.attempt() && task.state == TaskState.SUCCESS && event.type() == TaskEvent.Type.FINISHED
                && event.sentNext() == null;
    }

    /**
     * Sends the next step's message again, the same attempt, if a worker was to send it and it has not
     * started (at worst it runs twice, applied once).
     */
    private void sendNextAgain(Run run, TaskRow task, Outbound out) {
        Node after = nextTaskStep(run.plan().node(task.node));
        TaskRow next = after == null ? null : run.task(after.path());
        if (next != null && next.state == TaskState.PENDING && next.dispatched() && !Boolean.FALSE.equals(next.sentOnByWorker)) {
            out.dispatch(taskMessage(run, next, after, inputOf(run, after), next.queuedAt, stepsAhead(run, after, MAX_STEPS_AHEAD)));
        }
    }

    /** A task that failed for good, as its last attempt was dispatched (alone: run again from the dead letters, it sends nothing on). */
    private TaskMessage deadLetterMessage(Run run, TaskRow task) {
        Node node = run.plan().node(task.node);
        return taskMessage(run, task, node, inputOf(run, node), task.queuedAt, null);
    }

    private static AttemptRow attempt(TaskRow task, String outcome, String error, String worker) {
        return new AttemptRow(task.taskId, task.attempt, outcome, task.startedAt, task.finishedAt, error, worker);
    }

    private void markRunning(Run run, Outbound out, Instant at) {
        if (run.pipeline().status == PipelineStatus.PENDING) {
            run.pipeline().markRunning(at);
            run.records().pipelineChanged();
            out.publish(Topics.EVENTS, run.chainId(), pipelineEvent(run));
        }
    }

    /**
     * A node finished: walks up until the news meets a join (which is told the member settled) or
     * a chain step with more steps after it (which {@link #reconcile} will dispatch).
     */
    private void settled(Run run, Node node, Outbound out) {
        Outcome outcome = outcome(run, node);
        if (!outcome.done() && !outcome.failed()) {
            return;
        }
        Node parent = node.parent();
        if (parent == null) {
            return;
        }
        if (parent.kind() == Kind.CHAIN) {
            if (outcome.failed() || node.isLastStep() || finishedAhead(run, node)) {
                settled(run, parent, out);
            }
        } else if (node.isChordBody()) {
            settled(run, parent, out);
        } else {
            JoinRow join = run.records().join(parent.path());
            if (join != null && join.status == JoinRow.Status.OPEN) {
                out.feed(JoinFeed.member(run.chainId(), join.node, join.expected, join.policy, join.deadline,
                        node.index(), outcome.done()));
            }
        }
    }

    /** The chain step after {@code node} finished already: its report overtook the one of {@code node}. */
    private static boolean finishedAhead(Run run, Node node) {
        Node after = nextTaskStep(node);
        TaskRow next = after == null ? null : run.task(after.path());
        return next != null && next.state.terminal();
    }

    // ---- reconciling: dispatch what is ready, finish what is done ------------------------------

    void reconcile(Run run, Outbound out) {
        if (run.pipeline().status.terminal()) {
            return;
        }
        if (onFailureRunning(run)) {
            advanceOnFailure(run, out);
            return;
        }
        Outcome outcome = visit(run, run.plan().root(), run::input, out);
        if (outcome.done()) {
            run.pipeline().succeed(run.json().writeValueAsString(outcome.result()));
            finish(run, out);
        } else if (outcome.failed()) {
            run.pipeline().recordFailure(outcome.failedNode(), describeFailure(run, outcome));
            revoke(run, run.plan().root(), out);
            if (run.plan().onFailure() != null) {
                startOnFailure(run, out);
            } else {
                run.pipeline().fail();
                finish(run, out);
            }
        }
    }

    // ---- on failure (Celery's link_error) -------------------------------------------------------

    /** The run failed (its failure is recorded) and its on-failure canvas has not finished. */
    private static boolean onFailureRunning(Run run) {
        return run.plan().onFailure() != null && run.pipeline().failedNode != null;
    }

    /** Records the on-failure canvas's tasks (PENDING) and dispatches its first ones; the run goes on, failed. */
    private void startOnFailure(Run run, Outbound out) {
        for (Node node : run.plan().below(run.plan().onFailure())) {
            if (node.kind() == Kind.TASK && run.task(node.path()) == null) {
                run.records().addTask(newTaskRow(run, node));
            }
        }
        if (run.pipeline().status == PipelineStatus.PENDING) {   // failed before any task reported: it runs now
            run.pipeline().markRunning(run.now());
        }
        run.records().pipelineChanged();
        out.publish(Topics.EVENTS, run.chainId(), pipelineEvent(run));
        advanceOnFailure(run, out);
    }

    /** Dispatches what is ready of the on-failure canvas; once it has finished (either way) the run ends FAILURE. */
    private void advanceOnFailure(Run run, Outbound out) {
        Node handler = run.plan().onFailure();
        Outcome outcome = visit(run, handler, () -> onFailureInput(run), out);
        if (outcome.done() || outcome.failed()) {
            revoke(run, handler, out);   // a failed on-failure canvas's steps that never ran: nothing retries it
            run.pipeline().fail();
            finish(run, out);
        }
    }

    /**
     * The on-failure canvas's input, from the records alone (so a retry of one of its tasks gets the
     * same): {@code chain_id}, {@code pipeline}; {@code failed_task} and {@code node}, the task that
     * failed or was revoked (the first to fail below a failed join; no task, and the join's node, when a
     * join timed out or a map was refused); {@code error} as {@code {"reason", "message"}}; the run's
     * {@code input}; and {@code files}, the storage files the run's results name ({@link RunFiles}).
     */
    JsonNode onFailureInput(Run run) {
        String failedNode = run.pipeline().failedNode;
        TaskRow failed = run.task(failedNode) != null ? run.task(failedNode) : run.records().tasks().stream()
                .filter(t -> t.state == TaskState.FAILURE && t.node.startsWith(failedNode + "."))
                .min(Comparator.comparing((TaskRow t) -> t.finishedAt, Comparator.nullsLast(Comparator.naturalOrder()))
                        .thenComparing(t -> t.node))
                .orElse(null);
        Node node = run.plan().node(failedNode);
        String error = failed == null ? (node == null ? run.pipeline().error : outcome(run, node).error())
                : failed.state == TaskState.REVOKED ? "revoked: the task was revoked" : failed.error;
        ObjectNode input = run.json().createObjectNode();
        input.put("chain_id", run.chainId());
        input.put("pipeline", run.pipeline().pipeline);
        input.put("failed_task", failed == null ? null : failed.name);
        input.put("node", failed == null ? failedNode : failed.node);
        // "reason: message" as the worker reported it; a join's own error ("chord 1 failed: …") has no reason of its own
        String reason = error == null || error.indexOf(": ") < 0 ? "" : error.substring(0, error.indexOf(": "));
        boolean reasoned = reason.matches("[a-z_]+");
        ObjectNode errorNode = input.putObject("error");
        errorNode.put("reason", reasoned ? reason : "error");
        errorNode.put("message", reasoned ? error.substring(reason.length() + 2) : error);
        input.set("input", run.input());
        List<JsonNode> results = run.records().tasks().stream()
                .filter(t -> t.state == TaskState.SUCCESS && !Plan.inOnFailure(t.node))
                .sorted(Comparator.comparing((TaskRow t) -> t.node))
                .map(t -> run.parse(t.result)).toList();
        ArrayNode files = input.putArray("files");
        RunFiles.written(run.input(), results).forEach(files::add);
        return input;
    }

    /** "task core.fail (1.h0) failed: invalid_input: …", or "chord 1 failed: …" for a join. */
    private static String describeFailure(Run run, Outcome outcome) {
        TaskRow task = run.task(outcome.failedNode());
        if (task != null) {
            return "task " + task.name + " (" + task.node + ") failed: " + outcome.error();
        }
        Node node = run.plan().node(outcome.failedNode());
        String kind = node == null ? "node" : node.kind() == Kind.FOR_EACH ? "map" : node.kind().name().toLowerCase();
        return kind + " " + outcome.failedNode() + " failed: " + outcome.error();
    }

    private void finish(Run run, Outbound out) {
        run.pipeline().ended(run.now());
        run.records().pipelineChanged();
        out.publish(Topics.EVENTS, run.chainId(), pipelineEvent(run));
        out.observePipeline(run.chainId(), run.pipeline().pipeline, run.pipeline().status.name(), run.pipeline().createdAt, run.now(),
                run.pipeline().error);
    }

    private Outcome visit(Run run, Node node, Supplier<JsonNode> input, Outbound out) {
        switch (node.kind()) {
            case TASK -> {
                TaskRow task = run.task(node.path());
                return switch (task.state) {
                    case SUCCESS -> Outcome.done(run.parse(task.result));
                    case FAILURE, REVOKED -> Outcome.failed(node.path(), task.state == TaskState.REVOKED ? "revoked" : task.error);
                    case PENDING -> {
                        if (!task.dispatched()) {
                            dispatch(run, task, node, input.get(), out);
                        }
                        yield Outcome.RUNNING;
                    }
                    default -> Outcome.RUNNING;
                };
            }
            case CHAIN -> {
                JsonNode value = null;
                boolean first = true;
                for (Node step : node.members()) {
                    final JsonNode previous = value;
                    Outcome outcome = visit(run, step, first ? input : () -> previous, out);
                    if (!outcome.done()) {
                        return outcome;
                    }
                    value = outcome.result();
                    first = false;
                }
                return Outcome.done(value);
            }
            default -> {
                return visitJoin(run, node, input, out);
            }
        }
    }

    private Outcome visitJoin(Run run, Node node, Supplier<JsonNode> input, Outbound out) {
        JoinRow join = run.records().join(node.path());
        // a map's list may be a result kept in storage: read back once, whatever number of items
        Supplier<JsonNode> mapInput = node.kind() == Kind.FOR_EACH ? once(() -> readClaims.apply(run.chainId(), input.get())) : input;
        if (join == null) {
            int expected;
            if (node.kind() == Kind.FOR_EACH) {
                JsonNode items = mapInput.get().path(node.forEach().items());
                String refused = !items.isArray() ? "invalid_input: the input has no list at '" + node.forEach().items() + "'"
                        : items.size() > maxTasks ? "too_large: the list at '" + node.forEach().items() + "' has "
                        + items.size() + " items; a map runs at most " + maxTasks + " (app.engine.max-tasks)" : null;
                if (refused != null) {
                    refuseMap(run, node, refused, out);
                    return Outcome.failed(node.path(), refused);
                }
                expected = items.size();
                for (int i = 0; i < expected; i++) {
                    run.records().addTask(newTaskRow(run, run.plan().forEachItem(node, i)));
                }
            } else {
                expected = node.members().size();
            }
            join = openJoin(run, node, expected, out);
            if (expected == 0) {
                settled(run, node, out);  // a map over an empty list is done now: no member report will carry the news up
            }
        }
        if (join.status == JoinRow.Status.FAILURE) {
            return Outcome.failed(node.path(), join.error);
        }
        if (join.status == JoinRow.Status.SUCCESS) {
            JsonNode results = joinOutput(run, node, join);
            return node.kind() == Kind.CHORD ? visit(run, node.body(), () -> results, out) : Outcome.done(results);
        }
        out.beginFanOut(run.chainId(), node.path());
        for (Node member : members(run, node, join)) {
            Supplier<JsonNode> memberInput = node.kind() == Kind.FOR_EACH
                    ? () -> mapInput.get().path(node.forEach().items()).path(member.index())
                    : input;
            visit(run, member, memberInput, out);
        }
        out.endFanOut();
        return Outcome.RUNNING;
    }

    /**
     * A map that cannot run (no list at its key, too many items) is recorded as a join that failed
     * at once, and whatever holds it is told now: no member will ever report.
     */
    private void refuseMap(Run run, Node node, String error, Outbound out) {
        JoinRow join = new JoinRow(run.chainId(), node.path(), 0, ChordPolicy.FAIL_FAST, run.now(), run.now(),
                JoinRow.Status.OPEN);
        join.complete(run.now(), error);
        run.records().addJoin(join);
        settled(run, node, out);
    }

    private JoinRow openJoin(Run run, Node node, int expected, Outbound out) {
        ChordPolicy policy = node.kind() == Kind.CHORD ? node.chord().policy() : ChordPolicy.FAIL_FAST;
        JoinRow join = new JoinRow(run.chainId(), node.path(), expected, policy, run.now().plus(joinTimeout(node)), run.now(),
                JoinRow.Status.OPEN);
        if (expected == 0) {
            join.complete(run.now(), null);   // nothing to wait for
        } else {
            out.feed(JoinFeed.open(run.chainId(), node.path(), expected, join.policy, join.deadline));
        }
        run.records().addJoin(join);
        return join;
    }

    /** How long a join may stay open: the chord's {@code timeout_s}, else {@code app.engine.join-timeout}. */
    private Duration joinTimeout(Node node) {
        return node.kind() == Kind.CHORD && node.chord().timeout() != null ? node.chord().timeout() : defaultJoinTimeout;
    }

    private static List<Node> members(Run run, Node node, JoinRow join) {
        if (node.kind() != Kind.FOR_EACH) {
            return node.members();
        }
        List<Node> items = new ArrayList<>(join.expected);
        for (int i = 0; i < join.expected; i++) {
            items.add(run.plan().forEachItem(node, i));
        }
        return items;
    }

    /** The list a completed join hands on: member results in member order, or for {@code all_settled} each member's status. */
    private JsonNode joinOutput(Run run, Node node, JoinRow join) {
        ArrayNode results = run.json().createArrayNode();
        boolean settled = join.policy == ChordPolicy.ALL_SETTLED;
        for (Node member : members(run, node, join)) {
            Outcome outcome = outcome(run, member);
            if (!settled) {
                results.add(outcome.result());
                continue;
            }
            ObjectNode entry = results.addObject();
            if (outcome.done()) {
                entry.put("status", "SUCCESS");
                entry.set("result", outcome.result());
            } else {
                entry.put("status", "FAILURE");
                entry.put("error", outcome.failed() ? outcome.error() : "did not finish");
            }
        }
        return results;
    }

    /** Where a node stands, judged from the records alone (nothing is dispatched). */
    private Outcome outcome(Run run, Node node) {
        switch (node.kind()) {
            case TASK -> {
                TaskRow task = run.task(node.path());
                if (task == null) {
                    return Outcome.RUNNING;
                }
                return switch (task.state) {
                    case SUCCESS -> Outcome.done(run.parse(task.result));
                    case FAILURE -> Outcome.failed(node.path(), task.error);
                    case REVOKED -> Outcome.failed(node.path(), "revoked");
                    default -> Outcome.RUNNING;
                };
            }
            case CHAIN -> {
                Outcome last = Outcome.RUNNING;
                for (Node step : node.members()) {
                    last = outcome(run, step);
                    if (!last.done()) {
                        return last;
                    }
                }
                return last;
            }
            default -> {
                JoinRow join = run.records().join(node.path());
                if (join == null || join.status == JoinRow.Status.OPEN) {
                    return Outcome.RUNNING;
                }
                if (join.status == JoinRow.Status.FAILURE) {
                    return Outcome.failed(node.path(), join.error);
                }
                return node.kind() == Kind.CHORD ? outcome(run, node.body()) : Outcome.done(joinOutput(run, node, join));
            }
        }
    }

    private void dispatch(Run run, TaskRow task, Node node, JsonNode input, Outbound out) {
        task.dispatch(run.now());
        run.records().changed(task);
        out.dispatch(taskMessage(run, task, node, input, run.now(), stepsAhead(run, node, MAX_STEPS_AHEAD)));
    }

    /** The message of a task's current attempt; {@code then}: the chain steps its worker sends on ({@link #stepsAhead}). */
    private static TaskMessage taskMessage(Run run, TaskRow task, Node node, JsonNode input, Instant dispatchedAt, Messages.Next then) {
        return new TaskMessage(run.chainId(), task.taskId, task.node, task.name, task.attempt, node.task().args(),
                node.task().immutable() ? null : input, dispatchedAt, node.task().timeLimit(), then);
    }

    /**
     * The chain's next step for the worker of {@code node} to send once it succeeded, with the steps
     * after it (up to {@code steps}): a task not dispatched yet, as its next attempt. Null when the next
     * step is not a task (a group, chord or map waits for the orchestrator) or workers do not send on.
     */
    private Messages.Next stepsAhead(Run run, Node node, int steps) {
        Node after = workersContinueChains && steps > 0 ? nextTaskStep(node) : null;
        TaskRow next = after == null ? null : run.task(after.path());
        if (next == null || next.state != TaskState.PENDING || next.dispatched()) {
            return null;
        }
        TaskMessage message = new TaskMessage(run.chainId(), next.taskId, next.node, next.name, next.attempt + 1,
                after.task().args(), null, null, after.task().timeLimit(), stepsAhead(run, after, steps - 1));
        return new Messages.Next(message, !after.task().immutable());
    }

    /** The step after {@code node} in its chain, when there is one and it is a task. */
    private static Node nextTaskStep(Node node) {
        return taskOrNull(node.nextStep());
    }

    /** The chain step before {@code node}, when there is one and it is a task (whose worker may have sent {@code node} on). */
    private static Node previousTaskStep(Node node) {
        return taskOrNull(node.previousStep());
    }

    private static Node taskOrNull(Node node) {
        return node != null && node.kind() == Kind.TASK ? node : null;
    }

    // ---- joins ------------------------------------------------------------------------------

    /**
     * The aggregator decided a join is complete (all members reported, a member failed under
     * fail-fast, or its deadline passed). Applied once: a join that is no longer open is left alone.
     */
    boolean completeJoin(Run run, String joinNode, boolean timedOut, Outbound out) {
        JoinRow join = run.records().join(joinNode);
        if (join == null || join.status != JoinRow.Status.OPEN || run.pipeline().status.terminal()) {
            return false;
        }
        Node node = run.plan().node(joinNode);
        List<Node> members = members(run, node, join);
        String failure = null;
        List<Integer> unfinished = new ArrayList<>();
        for (Node member : members) {
            Outcome outcome = outcome(run, member);
            if (outcome.failed() && failure == null) {
                failure = describeFailure(run, outcome);
            } else if (!outcome.done() && !outcome.failed()) {
                unfinished.add(member.index());
            }
        }
        boolean allSettled = join.policy == ChordPolicy.ALL_SETTLED;
        if (timedOut && !unfinished.isEmpty()) {
            long seconds = joinTimeout(node).toSeconds();
            failure = "timeout: " + (node.kind() == Kind.CHORD ? "chord" : "group") + " " + joinNode + " did not complete within "
                    + seconds + " s; members " + unfinished + " had not finished";
        } else if (!unfinished.isEmpty() && (failure == null || allSettled)) {
            return false;   // not complete by the records: a member report is still on its way
        }
        boolean failed = failure != null && !(allSettled && unfinished.isEmpty());
        join.complete(run.now(), failed ? failure : null);
        if (failed) {
            revoke(run, node, out);
        }
        run.records().changed(join);
        reconcile(run, out);
        return true;
    }

    /** Tells the aggregator again about every open join of this run and the members that already settled. */
    void rejoin(Run run, Outbound out) {
        for (JoinRow join : run.records().joins()) {
            if (join.status != JoinRow.Status.OPEN) {
                continue;
            }
            out.feed(JoinFeed.open(run.chainId(), join.node, join.expected, join.policy, join.deadline));
            for (Node member : members(run, run.plan().node(join.node), join)) {
                Outcome outcome = outcome(run, member);
                if (outcome.done() || outcome.failed()) {
                    out.feed(JoinFeed.member(run.chainId(), join.node, join.expected, join.policy, join.deadline,
                            member.index(), outcome.done()));
                }
            }
        }
    }

    // ---- cancelling, revoking, retrying ----------------------------------------------------------

    /** Cancels a run that has not ended: nothing more starts, running tasks are told to stop. */
    void cancel(Run run, Outbound out) {
        if (onFailureRunning(run)) {
            run.pipeline().fail();   // it had failed: cancel stops its on-failure canvas
        } else {
            run.pipeline().cancel();
        }
        revoke(run, run.plan().root(), out);
        finish(run, out);
    }

    /**
     * Ends a run that has not ended as FAILURE with {@code error}, when its reports cannot be applied:
     * nothing more starts, running tasks are told to stop. Resume (retry) can take it up again.
     */
    boolean failRun(Run run, String error, Outbound out) {
        if (run.pipeline().status.terminal()) {
            return false;
        }
        run.pipeline().fail(error);
        revoke(run, run.plan().root(), out);
        finish(run, out);
        return true;
    }

    /**
     * Revokes one task of a run that has not ended (Celery's {@code revoke(task_id)}): a task not yet
     * started is skipped, a running one is told to stop, a retry waiting for its backoff never comes.
     * The task ends REVOKED and the run goes on as after a failed task: a chain stops there, a
     * fail-fast chord fails, an all_settled chord takes it as a failed member. Refused, before
     * anything changes, for a node the run has no task at; false when the task or run already ended.
     */
    boolean revokeTask(Run run, String nodePath, Outbound out) {
        TaskRow task = run.task(nodePath);
        if (task == null) {
            throw noTaskAt(run, nodePath);
        }
        if (task.state.terminal() || run.pipeline().status.terminal()) {
            return false;
        }
        revoke(run, run.plan().node(nodePath), out);
        settled(run, run.plan().node(nodePath), out);
        reconcile(run, out);
        return true;
    }

    private static TaskFailure noTaskAt(Run run, String node) {
        return TaskFailure.invalidInput("pipeline " + run.chainId() + " has no task at node '" + node + "'; its tasks are at "
                + run.records().tasks().stream().map(t -> t.node).toList());
    }

    /** Every unfinished task at or below {@code node} becomes REVOKED; workers hear it on the control topic. */
    private void revoke(Run run, Node node, Outbound out) {
        String prefix = node.path().isEmpty() ? "" : node.path() + ".";
        List<Messages.RevokedTask> revoked = new ArrayList<>();
        for (TaskRow task : run.records().tasks()) {
            if (!task.state.terminal() && (node.path().isEmpty() || task.node.equals(node.path()) || task.node.startsWith(prefix))) {
                boolean workerMaySendIt = workersContinueChains && !task.dispatched() && mayBeSentOn(run, task);
                if (workerMaySendIt) {
                    task.skipAttempt();   // the attempt a worker may send on is revoked with it
                }
                task.revoke(run.now());
                run.records().changed(task);
                if (task.dispatched() || workerMaySendIt) {
                    revoked.add(new Messages.RevokedTask(task.node, task.attempt));
                }
                out.publish(Topics.EVENTS, run.chainId(), taskEvent(run, task));
                out.observeTask(task.name, TaskState.REVOKED.name(), null, null, null);
            }
        }
        if (!revoked.isEmpty()) {
            out.publish(Topics.CONTROL, run.chainId(), new Messages.Revocation(run.chainId(), revoked, run.now()));
        }
    }

    /**
     * Whether a worker may still send this undispatched task on: a chain step before it (within the
     * steps a message carries) was dispatched, and its message carried this one.
     */
    private static boolean mayBeSentOn(Run run, TaskRow task) {
        Node before = previousTaskStep(run.plan().node(task.node));
        for (int steps = 0; before != null && steps < MAX_STEPS_AHEAD; steps++) {
            TaskRow row = run.task(before.path());
            if (row == null) {
                return false;
            }
            if (row.dispatched()) {
                return true;
            }
            before = previousTaskStep(before);
        }
        return false;
    }

    /**
     * Resumes a failed run from where it failed: failed and revoked tasks go back to PENDING, failed
     * joins reopen, and everything that succeeded is reused.
     */
    void resume(Run run, Outbound out) {
        resume(run, out, Set.of());
    }

    /**
     * Resumes a failed run from the task at {@code fromNode}: that task and every step after it (the
     * steps its result feeds: later chain steps, a chord's body) run again, as do the failed and
     * revoked ones; every other result is reused. Refused, before anything changes, for a node that
     * is not one of the run's tasks, and when a map after it already ran (its list may change).
     */
    void resumeFrom(Run run, String fromNode, Outbound out) {
        resume(run, out, rerunFrom(run, fromNode));
    }

    private Set<String> rerunFrom(Run run, String fromNode) {
        Node from = run.plan().node(fromNode);
        if (from == null || from.kind() != Kind.TASK || run.task(fromNode) == null) {
            throw noTaskAt(run, fromNode);
        }
        Set<String> nodes = new HashSet<>();
        nodes.add(fromNode);
        for (Node child = from, parent = from.parent(); parent != null; child = parent, parent = parent.parent()) {
            List<Node> after = new ArrayList<>();
            if (parent.kind() == Kind.CHAIN) {
                after.addAll(parent.members().subList(child.index() + 1, parent.members().size()));
            } else if (parent.kind() == Kind.CHORD && !child.isChordBody()) {
                after.add(parent.body());
            }
            for (Node step : after) {
                for (Node below : run.plan().below(step)) {
                    if (below.kind() == Kind.FOR_EACH && run.records().join(below.path()) != null) {
                        throw new TaskFailure(TaskFailure.Reason.CONFLICT, "retrying pipeline " + run.chainId() + " from " + fromNode
                                + " would run the map at " + below.path() + " again over a list that may have changed;"
                                + " retry from a task after it, or re-run the pipeline");
                    }
                    if (below.kind() == Kind.TASK) {
                        nodes.add(below.path());
                    }
                }
            }
        }
        return nodes;
    }

    private void resume(Run run, Outbound out, Set<String> alsoRerun) {
        if (run.records().tasks().stream().anyMatch(t -> Plan.inOnFailure(t.node))) {
            throw new TaskFailure(TaskFailure.Reason.CONFLICT, "pipeline " + run.chainId() + " ran its on-failure canvas, "
                    + "which may have undone what a resume would reuse (a compensation removes the run's files): "
                    + "re-run it instead (POST /api/v1/pipelines/" + run.chainId() + "/rerun)");
        }
        List<String> reset = new ArrayList<>();
        for (TaskRow task : run.records().tasks()) {
            if (task.state == TaskState.FAILURE || task.state == TaskState.REVOKED || alsoRerun.contains(task.node)) {
                // the retried task gets a fresh budget
                task.resetForResume(retryPolicy(run.plan().node(task.node)).maxAttempts());
                run.records().changed(task);
                reset.add(task.node);
            }
        }
        // a join reopens when a task below it runs again (also an all_settled join that had completed)
        for (JoinRow join : run.records().joins()) {
            boolean rerunsBelow = reset.stream().anyMatch(node -> node.startsWith(join.node + "."));
            boolean refusedMap = join.status == JoinRow.Status.FAILURE && join.expected == 0;  // same input: refused again
            if (join.status != JoinRow.Status.OPEN && !refusedMap && (join.status == JoinRow.Status.FAILURE || rerunsBelow)) {
                // the join's own timeout from now: a resume restarts its clock, it never lengthens the timeout
                join.reopen(run.now().plus(joinTimeout(run.plan().node(join.node))));
                run.records().changed(join);
            }
        }
        // the aggregator hears of each open join and of the members that already settled, which will not report again
        rejoin(run, out);
        run.pipeline().resume();
        run.records().pipelineChanged();
        out.publish(Topics.EVENTS, run.chainId(), pipelineEvent(run));
        reconcile(run, out);
    }

    /** Dispatches the next attempt of a task whose retry backoff has elapsed. */
    boolean retryNow(Run run, String nodePath, Outbound out) {
        TaskRow task = run.task(nodePath);
        if (task == null || task.state != TaskState.RETRY || run.pipeline().status.terminal()) {
            return false;
        }
        Node node = run.plan().node(nodePath);
        Node before = previousTaskStep(node);
        if (before != null && run.task(before.path()).state != TaskState.SUCCESS) {
            return false;   // it failed before the report of the step before came in (it overtook it): its input is not here yet
        }
        dispatch(run, task, node, inputOf(run, node), out);
        return true;
    }

    /** The supplier's value, computed at the first call only. */
    private static Supplier<JsonNode> once(Supplier<JsonNode> supplier) {
        JsonNode[] value = new JsonNode[1];
        return () -> value[0] != null ? value[0] : (value[0] = supplier.get());
    }

    /** The input a node gets, recomputed from the records: the previous step's result, the group's input, the item, the chord's results. */
    JsonNode inputOf(Run run, Node node) {
        Node parent = node.parent();
        if (parent == null) {
            return node == run.plan().onFailure() ? onFailureInput(run) : run.input();
        }
        if (node.previousStep() != null) {
            return outcome(run, node.previousStep()).result();
        }
        if (node.isChordBody()) {
            return joinOutput(run, parent, run.records().join(parent.path()));
        }
        JsonNode parentInput = inputOf(run, parent);
        if (parent.kind() == Kind.FOR_EACH) {
            return readClaims.apply(run.chainId(), parentInput).path(parent.forEach().items()).path(node.index());
        }
        return parentInput;
    }

    // ---- events -----------------------------------------------------------------------------

    private static PipelineEvent pipelineEvent(Run run) {
        var p = run.pipeline();
        JsonNode result = p.status == PipelineStatus.SUCCESS ? run.parse(p.result) : null;
        return new PipelineEvent(p.chainId, p.pipeline, p.requestId, "pipeline", p.status.name(), p.failedNode, null, null, null,
                p.error, result, run.now());
    }

    private static PipelineEvent taskEvent(Run run, TaskRow task) {
        return new PipelineEvent(task.chainId, run.pipeline().pipeline, null, "task", task.state.name(), task.node, task.taskId,
                task.name, task.attempt, task.error, null, run.now());
    }
}

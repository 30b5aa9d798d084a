package ai.pipeline.orchestration.engine;

import ai.pipeline.orchestration.canvas.Canvas;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The JSON records that travel on Kafka, each keyed by its chain id. They carry ids, the node
 * reference and the data a step needs, never the canvas (it is stored once, with the pipeline).
 */
public final class Messages {

    private Messages() {
    }

    /**
     * On {@code ai.tasks.<task>}: run attempt {@code attempt} of the task at {@code node}. {@code timeLimit}:
     * the step's own time limits, if the canvas gives any (else the worker applies the task type's).
     * {@code then}: the next step of its chain, when that is a task the worker sends on its own
     * once this one succeeded ({@link Next}). {@code fanOut}: its place in the fan-out it went out with
     * ({@link FanOutPlace}), when it was one of several.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskMessage(String chainId, String taskId, String node, String task, int attempt,
                              Map<String, Object> args, JsonNode input, Instant dispatchedAt, Canvas.TimeLimit timeLimit,
                              Next then, FanOutPlace fanOut) {

        public TaskMessage(String chainId, String taskId, String node, String task, int attempt,
                           Map<String, Object> args, JsonNode input, Instant dispatchedAt) {
            this(chainId, taskId, node, task, attempt, args, input, dispatchedAt, null, null);
        }

        public TaskMessage(String chainId, String taskId, String node, String task, int attempt,
                           Map<String, Object> args, JsonNode input, Instant dispatchedAt, Canvas.TimeLimit timeLimit,
                           Next then) {
            this(chainId, taskId, node, task, attempt, args, input, dispatchedAt, timeLimit, then, null);
        }

        /** The same message with another input (one kept in storage, {@link ClaimChecks}). */
        public TaskMessage withInput(JsonNode otherInput) {
            return new TaskMessage(chainId, taskId, node, task, attempt, args, otherInput, dispatchedAt, timeLimit, then, fanOut);
        }

        /** The same message at its place in a fan-out. */
        public TaskMessage at(FanOutPlace place) {
            return new TaskMessage(chainId, taskId, node, task, attempt, args, input, dispatchedAt, timeLimit, then, place);
        }

        /** The next step's message, to send now: this task's result as its input (unless it takes none). */
        public TaskMessage next(JsonNode result, Instant now) {
            TaskMessage next = then.message();
            return new TaskMessage(next.chainId, next.taskId, next.node, next.task, next.attempt, next.args,
                    then.takesResult() ? result : null, now, next.timeLimit, next.then);
        }
    }

    /**
     * A task message's place in the fan-out it went out with (a group's, chord header's or map's
     * members, sent together): the fan-out's node, how many of its messages to the same domain come
     * before this one ({@code ahead}) and how many there are ({@code of}). A worker starts a fan-out's
     * tasks of one domain in that order (TaskSlots): they reach its consumers in any order.
     */
    public record FanOutPlace(String node, int ahead, int of) {
    }

    /**
     * A chain's next step, handed to the worker of the step before it (Celery's chain: the worker
     * sends the next task itself, and a step costs one Kafka hop instead of two). Its message lacks
     * only its input and dispatch time; {@code takesResult}: false for an immutable step.
     */
    public record Next(TaskMessage message, boolean takesResult) {
    }

    /** The first tasks of a group's members, multicast to their topics by the {@code orchestration-fan-out} route. */
    public record FanOut(String chainId, String node, List<Dispatch> dispatches) {
    }

    /** One task message and the topic it goes to. */
    public record Dispatch(String topic, TaskMessage message) {
    }

    /**
     * On {@code ai.task-results}: a worker's report that a task started or finished. {@code sentNext}:
     * the worker sends the next chain step's message itself (after this report is in Kafka), as that attempt.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskEvent(Type type, String chainId, String taskId, String node, int attempt, Outcome outcome,
                            JsonNode result, ErrorInfo error, Instant startedAt, Instant finishedAt, String worker,
                            Integer sentNext) {

        public TaskEvent(Type type, String chainId, String taskId, String node, int attempt, Outcome outcome,
                         JsonNode result, ErrorInfo error, Instant startedAt, Instant finishedAt, String worker) {
            this(type, chainId, taskId, node, attempt, outcome, result, error, startedAt, finishedAt, worker, null);
        }

        public enum Type { STARTED, FINISHED }

        /** The same report with another result (one kept in storage, {@link ClaimChecks}). */
        public TaskEvent withResult(JsonNode otherResult) {
            return new TaskEvent(type, chainId, taskId, node, attempt, outcome, otherResult, error, startedAt, finishedAt, worker,
                    sentNext);
        }

        /** The same report saying the worker sends the next step's message ({@link Next}), as attempt {@code nextAttempt} (null: it does not). */
        public TaskEvent withSentNext(Integer nextAttempt) {
            return new TaskEvent(type, chainId, taskId, node, attempt, outcome, result, error, startedAt, finishedAt, worker,
                    nextAttempt);
        }

        public enum Outcome { SUCCESS, FAILURE }
    }

    /** Why a task failed: {@code reason} is a {@code TaskFailure} code or {@code error} for anything unexpected. */
    public record ErrorInfo(String reason, String message, boolean retryable) {

        public String describe() {
            return reason + ": " + message;
        }
    }

    /**
     * On {@code ai.pipeline.events}: a state change of a pipeline or of one of its tasks. Pipeline
     * events carry the client's request id, so a client can match them to what it sent.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PipelineEvent(String chainId, String pipeline, String requestId, String kind, String status, String node,
                                String taskId, String task, Integer attempt, String error, JsonNode result, Instant at) {
    }

    /**
     * On {@code ai.pipeline.control}: stop these tasks. Each names the last attempt it revokes, so a
     * later attempt (after the pipeline is retried) runs.
     */
    public record Revocation(String chainId, List<RevokedTask> tasks, Instant at) {
    }

    public record RevokedTask(String node, int attempt) {
    }

    /** On {@code ai.tasks.dead-letter}: a task that failed for good, with everything needed to run it again. */
    public record DeadLetter(TaskMessage message, ErrorInfo error, Instant at) {
    }

    /** On {@code ai.pipeline.requests}: start a named pipeline or a canvas. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PipelineRequest(String pipeline, JsonNode canvas, JsonNode input, String requestId) {
    }
}

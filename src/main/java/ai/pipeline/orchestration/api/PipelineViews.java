package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.engine.Plan;
import ai.pipeline.orchestration.pipelines.PipelineDefinition;
import ai.pipeline.orchestration.scheduling.RunCallbacks;
import ai.pipeline.orchestration.store.AttemptRow;
import ai.pipeline.orchestration.store.PipelineRow;
import ai.pipeline.orchestration.store.TaskRow;
import ai.pipeline.orchestration.store.TaskState;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** How pipelines and tasks look in API answers (snake_case JSON); the outbox files use the same shape. */
public final class PipelineViews {

    private PipelineViews() {
    }

    /** The answer to a start request: 202 with this. */
    @Schema(description = "A pipeline that was started (or, for a repeated request_id, the run that request started before)")
    record Started(@Schema(example = "3f0c2a51-6f1e-4c0b-9a53-2f5d1c9e7b10") String chainId,
                   @Schema(example = "document-analysis") String pipeline,
                   @Schema(example = "PENDING") String status,
                   @Schema(description = "true when an earlier request with the same request_id started this run") boolean existing) {
    }

    /** A pipeline's record: what {@code GET /api/v1/pipelines/{chain_id}} answers, and what an outbox file holds. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PipelineView(String chainId, String pipeline,
                               @Schema(allowableValues = {"SCHEDULED", "PENDING", "RUNNING", "SUCCESS", "FAILURE", "CANCELLED"}) String status,
                               @Schema(description = "the door it came through: rest, kafka, drop-folder, schedule") String source,
                               @Schema(description = "the client's request_id, when it gave one") String requestId,
                               Instant createdAt, Instant startedAt, Instant finishedAt, Long durationMs, String error,
                               String failedNode,
                               @Schema(description = "the pipeline's input (with the record only)") JsonNode input,
                               @Schema(description = "the result, once it succeeded (with the record only)") JsonNode result,
                               @Schema(description = "the run this one re-runs (POST …/rerun); it may have been deleted since") String rerunOf,
                               @Schema(description = "the chain ids of this run's re-runs, oldest first (with the record only)") List<String> reruns,
                               @Schema(description = "when a run started with countdown_s or eta is due (until it starts)") Instant scheduledFor,
                               @Schema(description = "the completion callback the run was started with, and each delivery attempt "
                                       + "(with the record only)") RunCallbacks.CallbackView callback) {

        public static PipelineView of(PipelineRow row, JsonMapper json, boolean withPayloads) {
            return new PipelineView(row.chainId, row.pipeline, row.status.name(), row.source, row.requestId, row.createdAt,
                    row.startedAt,
                    row.finishedAt, duration(row.startedAt, row.finishedAt), row.error, row.failedNode,
                    withPayloads ? parse(json, row.input) : null, withPayloads ? parse(json, row.result) : null,
                    row.rerunOf, null, null, null);
        }

        /** The same view listing the run's re-runs. */
        public PipelineView withReruns(List<String> chainIds) {
            return new PipelineView(chainId, pipeline, status, source, requestId, createdAt, startedAt, finishedAt, durationMs,
                    error, failedNode, input, result, rerunOf, chainIds, scheduledFor, callback);
        }

        /** The same view with when it is due (a scheduled run) and its callback, either of them null. */
        public PipelineView withSchedule(Instant dueAt, RunCallbacks.CallbackView callbackView) {
            return new PipelineView(chainId, pipeline, status, source, requestId, createdAt, startedAt, finishedAt, durationMs,
                    error, failedNode, input, result, rerunOf, reruns, dueAt, callbackView);
        }
    }

    /** The answer to {@code DELETE /api/v1/pipelines/{chain_id}}. */
    record Deleted(String chainId,
                   @Schema(description = "how many files the run had written under storage (normalized/, results/, annotated/) were deleted")
                   int filesDeleted) {
    }

    /** {@code GET …/tasks}: every task of a run, and for a pipeline with named stages, the stages. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TaskList(String chainId, String pipeline, String status,
                    @Schema(description = "only for pipelines with named stages (ai-pipeline)") List<StageView> stages,
                    @Schema(description = "the run's canvas as it was recorded, in the JSON POST /api/v1/workflows takes; "
                            + "task nodes are paths into it (0, 1.h0, 1.body, a map's items 2.0, 2.1, ...; its on_failure canvas's "
                            + "on_failure.0, ...)") JsonNode canvas,
                    List<TaskView> tasks) {

        static TaskList of(PipelineRow pipeline, PipelineDefinition definition, List<TaskRow> tasks,
                           List<AttemptRow> attempts, JsonMapper json) {
            List<StageView> stages = definition == null || definition.stages().isEmpty() ? null
                    : definition.stages().stream().map(stage -> StageView.of(stage, tasks)).toList();
            return new TaskList(pipeline.chainId, pipeline.pipeline, pipeline.status.name(), stages,
                    parse(json, pipeline.canvas), TaskView.of(tasks, attempts, definition, json));
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TaskView(String taskId, String name, String node,
                    @Schema(description = "the named stage the task belongs to (ai-pipeline)") String stage,
                    @Schema(allowableValues = {"PENDING", "STARTED", "RETRY", "SUCCESS", "FAILURE", "REVOKED"}) String state,
                    int attempt, int maxAttempts, Instant createdAt,
                    Instant queuedAt, Instant startedAt, Instant finishedAt, Long durationMs,
                    @Schema(description = "the worker process (host/pid) running it now; finished attempts name theirs") String worker,
                    String error, JsonNode result, List<AttemptView> attempts) {

        static List<TaskView> of(List<TaskRow> tasks, List<AttemptRow> attempts, PipelineDefinition definition,
                                 JsonMapper json) {
            Map<String, List<AttemptRow>> byTask = attempts.stream().collect(Collectors.groupingBy(AttemptRow::taskId));
            return tasks.stream().sorted(Comparator.comparing((TaskRow t) -> t.node, Plan.NODE_ORDER)).map(t -> new TaskView(t.taskId, t.name, t.node, stageName(definition, t.node),
                    t.state.name(), t.attempt, t.maxAttempts, t.createdAt, t.queuedAt, t.startedAt, t.finishedAt,
                    duration(t.startedAt, t.finishedAt), t.state == TaskState.STARTED ? t.worker : null, t.error, parse(json, t.result),
                    byTask.getOrDefault(t.taskId, List.of()).stream().map(AttemptView::of).toList()))
                    .toList();
        }

        private static String stageName(PipelineDefinition definition, String node) {
            PipelineDefinition.Stage stage = definition == null ? null : definition.stageOf(node);
            return stage == null ? null : stage.name();
        }
    }

    /**
     * A stage seen through its tasks: PENDING until one of them is dispatched, STARTED while any is
     * queued, running or waiting to run, then SUCCESS (all succeeded), FAILURE (one failed) or
     * REVOKED; it started when its first task started and finished when its last task finished.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StageView(String name, String node, String description,
                     @Schema(allowableValues = {"PENDING", "STARTED", "SUCCESS", "FAILURE", "REVOKED"}) String state,
                     int tasks, Instant startedAt, Instant finishedAt, Long durationMs, String error) {

        static StageView of(PipelineDefinition.Stage stage, List<TaskRow> all) {
            List<TaskRow> tasks = all.stream().filter(t -> stage.contains(t.node)).toList();
            String state = state(tasks);
            Instant started = tasks.stream().map(t -> t.startedAt).filter(Objects::nonNull).min(Comparator.naturalOrder()).orElse(null);
            Instant finished = tasks.stream().allMatch(t -> t.state.terminal()) && !tasks.isEmpty()
                    ? tasks.stream().map(t -> t.finishedAt).filter(Objects::nonNull).max(Comparator.naturalOrder()).orElse(null)
                    : null;
            String error = tasks.stream().filter(t -> t.state == TaskState.FAILURE).map(t -> t.name + ": " + t.error)
                    .findFirst().orElse(null);
            return new StageView(stage.name(), stage.node(), stage.description(), state, tasks.size(), started, finished,
                    duration(started, finished), error);
        }

        private static String state(List<TaskRow> tasks) {
            if (tasks.stream().anyMatch(t -> t.state == TaskState.FAILURE)) {
                return TaskState.FAILURE.name();
            }
            if (!tasks.isEmpty() && tasks.stream().allMatch(t -> t.state == TaskState.SUCCESS)) {
                return TaskState.SUCCESS.name();
            }
            if (!tasks.isEmpty() && tasks.stream().allMatch(t -> t.state.terminal())) {
                return TaskState.REVOKED.name();
            }
            boolean begun = tasks.stream().anyMatch(t -> t.dispatched() || t.state != TaskState.PENDING);
            return begun ? TaskState.STARTED.name() : TaskState.PENDING.name();
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record AttemptView(int attempt, String outcome, Instant startedAt, Instant finishedAt, Long durationMs, String error,
                       String worker) {
        static AttemptView of(AttemptRow a) {
            return new AttemptView(a.attempt(), a.outcome(), a.startedAt(), a.finishedAt(),
                    duration(a.startedAt(), a.finishedAt()), a.error(), a.worker());
        }
    }

    record Page<T>(List<T> items, int page, int size, long total) {
    }

    /** A named pipeline, as {@code GET /api/v1/pipelines} lists it. */
    record PipelineInfo(@Schema(example = "document-analysis") String name, String description,
                        @Schema(example = "/api/v1/pipelines/document-analysis") String endpoint,
                        List<InputView> inputs, List<StageInfo> stages,
                        @Schema(description = "the options a start request may give (\"options\"), each passed to "
                                + "every step that takes it") List<TaskViews.ArgumentInfo> options,
                        @Schema(description = "the canvas, as POST /api/v1/workflows takes it") JsonNode canvas,
                        @Schema(description = "the Camel route file the pipeline is compiled from") RouteInfo route) {
    }

    record RouteInfo(@Schema(example = "document-analysis.camel.yaml") String file,
                     @Schema(description = "shipped: in the application; pipelines_dir: a file in app.pipelines.dir",
                             allowableValues = {"shipped", "pipelines_dir"}) String origin,
                     @Schema(description = "the file's YAML text") String yaml) {

        static RouteInfo of(PipelineDefinition.RouteSource source) {
            return source == null ? null
                    : new RouteInfo(source.file(), source.origin().name().toLowerCase(Locale.ROOT), source.text());
        }
    }

    record InputView(@Schema(example = "document_path") String key, String accepts) {
    }

    record StageInfo(String name, String node, String description) {
    }

    record PipelineList(List<PipelineInfo> items) {
    }

    private static Long duration(Instant from, Instant to) {
        return from == null || to == null ? null : Duration.between(from, to).toMillis();
    }

    private static JsonNode parse(JsonMapper json, String text) {
        return text == null ? null : json.readTree(text);
    }
}

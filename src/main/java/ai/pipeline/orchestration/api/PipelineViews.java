package ai.pipeline.orchestration.api;

import ai.pipeline.orchestration.store.AttemptRow;
import ai.pipeline.orchestration.store.PipelineRow;
import ai.pipeline.orchestration.store.TaskRow;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** How pipelines and tasks look in API answers (snake_case JSON). */
final class PipelineViews {

    private PipelineViews() {
    }

    /** The answer to a start request: 202 with this. */
    record Started(String chainId, String pipeline, String status, boolean existing) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record PipelineView(String chainId, String pipeline, String status, String source, Instant createdAt, Instant startedAt,
                        Instant finishedAt, Long durationMs, String error, String failedNode, JsonNode input, JsonNode result) {

        static PipelineView of(PipelineRow row, JsonMapper json, boolean withPayloads) {
            return new PipelineView(row.chainId, row.pipeline, row.status.name(), row.source, row.createdAt, row.startedAt,
                    row.finishedAt, duration(row.startedAt, row.finishedAt), row.error, row.failedNode,
                    withPayloads ? parse(json, row.input) : null, withPayloads ? parse(json, row.result) : null);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record TaskView(String taskId, String name, String node, String state, int attempt, int maxAttempts, Instant createdAt,
                    Instant queuedAt, Instant startedAt, Instant finishedAt, Long durationMs, String error, JsonNode result,
                    List<AttemptView> attempts) {

        static List<TaskView> of(List<TaskRow> tasks, List<AttemptRow> attempts, JsonMapper json) {
            Map<String, List<AttemptRow>> byTask = attempts.stream().collect(Collectors.groupingBy(AttemptRow::taskId));
            return tasks.stream().map(t -> new TaskView(t.taskId, t.name, t.node, t.state.name(), t.attempt, t.maxAttempts,
                    t.createdAt, t.queuedAt, t.startedAt, t.finishedAt, duration(t.startedAt, t.finishedAt), t.error,
                    parse(json, t.result), byTask.getOrDefault(t.taskId, List.of()).stream().map(AttemptView::of).toList()))
                    .toList();
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

    private static Long duration(Instant from, Instant to) {
        return from == null || to == null ? null : Duration.between(from, to).toMillis();
    }

    private static JsonNode parse(JsonMapper json, String text) {
        return text == null ? null : json.readTree(text);
    }
}

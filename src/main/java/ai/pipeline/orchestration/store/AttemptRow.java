package ai.pipeline.orchestration.store;

import java.time.Instant;

/** A {@code task_attempt} row: one finished attempt of a task. */
public record AttemptRow(String taskId, int attempt, String outcome, Instant startedAt, Instant finishedAt,
                         String error, String worker) {
}

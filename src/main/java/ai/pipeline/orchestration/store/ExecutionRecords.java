package ai.pipeline.orchestration.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes a group commit's execution records (pipelines, tasks, attempts, joins) through the
 * {@code orchestration-records} route, a JDBC batch per statement, inside the caller's transaction.
 */
@Component
public class ExecutionRecords {

    private final ProducerTemplate route;

    ExecutionRecords(ProducerTemplate route) {
        this.route = route;
    }

    /** Writes a group commit's changes; must be called inside a transaction. */
    public void save(ChangeSet changes) {
        write(RecordStatement.INSERT_PIPELINE, changes.newPipelines, p -> row(p.chainId, p.pipeline, p.status.name(),
                p.canvas, p.input, p.result, p.error, p.failedNode, p.requestId, p.source, time(p.createdAt),
                time(p.startedAt), time(p.finishedAt), p.rerunOf));
        write(RecordStatement.UPDATE_PIPELINE, changes.changedPipelines, p -> row(p.status.name(), p.result, p.error,
                p.failedNode, time(p.startedAt), time(p.finishedAt), p.chainId));
        write(RecordStatement.INSERT_TASK, changes.newTasks, t -> row(t.taskId, t.chainId, t.node, t.name, t.state.name(),
                t.attempt, t.maxAttempts, time(t.createdAt), time(t.queuedAt), time(t.startedAt), time(t.finishedAt),
                time(t.nextAttemptAt), t.result, t.error, t.worker));
        write(RecordStatement.UPDATE_TASK, changes.changedTasks, t -> row(t.state.name(), t.attempt, t.maxAttempts,
                time(t.queuedAt), time(t.startedAt), time(t.finishedAt), time(t.nextAttemptAt), t.result, t.error, t.worker,
                t.taskId));
        write(RecordStatement.INSERT_ATTEMPT, changes.attempts, a -> row(a.taskId(), a.attempt(), a.outcome(),
                time(a.startedAt()), time(a.finishedAt()), a.error(), a.worker()));
        write(RecordStatement.INSERT_JOIN, changes.newJoins, j -> row(j.chainId, j.node, j.status.name(), j.expected,
                j.policy.json(), time(j.deadline), j.error, time(j.openedAt), time(j.completedAt)));
        write(RecordStatement.UPDATE_JOIN, changes.changedJoins, j -> row(j.status.name(), j.error, time(j.deadline),
                time(j.completedAt), j.chainId, j.node));
    }

    private <T> void write(RecordStatement statement, List<T> items, Function<T, List<Object>> parameters) {
        if (items.isEmpty()) {
            return;
        }
        try {
            route.sendBodyAndHeader(ExecutionRecordRoutes.WRITE, items.stream().map(parameters).toList(),
                    ExecutionRecordRoutes.STATEMENT, statement);
        } catch (RuntimeCamelException e) {
            throw databaseError(e);
        }
    }

    /**
     * What the database said (a DataAccessException), which the engine decides on and reports, rather
     * than Camel's wrappers around it (the template's, and the transaction error handler's).
     */
    private static RuntimeException databaseError(RuntimeCamelException wrapped) {
        Throwable cause = wrapped;
        while (cause instanceof RuntimeCamelException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof RuntimeException failure ? failure : wrapped;
    }

    private static List<Object> row(Object... values) {
        return Arrays.asList(values);   // unlike List.of, takes nulls
    }

    private static OffsetDateTime time(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}

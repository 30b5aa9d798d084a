package ai.pipeline.orchestration.store;

/**
 * The statements that write execution records: each is a camel-sql endpoint of the
 * {@code orchestration-records} route ({@link ExecutionRecordRoutes}), run as one JDBC batch.
 */
enum RecordStatement {

    INSERT_PIPELINE("INSERT INTO pipeline_execution (chain_id, pipeline, status, canvas, input, result, error, failed_node, "
            + "request_id, source, created_at, started_at, finished_at, rerun_of) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
    UPDATE_PIPELINE("UPDATE pipeline_execution SET status = ?, result = ?, error = ?, failed_node = ?, started_at = ?, "
            + "finished_at = ? WHERE chain_id = ?"),
    INSERT_TASK("INSERT INTO task_execution (task_id, chain_id, node, name, state, attempt, max_attempts, created_at, "
            + "queued_at, started_at, finished_at, next_attempt_at, result, error, worker) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
    UPDATE_TASK("UPDATE task_execution SET state = ?, attempt = ?, max_attempts = ?, queued_at = ?, started_at = ?, "
            + "finished_at = ?, next_attempt_at = ?, result = ?, error = ?, worker = ? WHERE task_id = ?"),
    /** The primary key (task_id, attempt) is the guard: a result applied twice changes nothing. */
    INSERT_ATTEMPT("INSERT INTO task_attempt (task_id, attempt, outcome, started_at, finished_at, error, worker) "
            + "VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING"),
    INSERT_JOIN("INSERT INTO chain_join (chain_id, node, status, expected, policy, deadline, error, opened_at, completed_at) "
            + "VALUES (?,?,?,?,?,?,?,?,?)"),
    UPDATE_JOIN("UPDATE chain_join SET status = ?, error = ?, deadline = ?, completed_at = ? WHERE chain_id = ? AND node = ?");

    private final String sql;

    RecordStatement(String sql) {
        this.sql = sql;
    }

    int parameters() {
        return (int) sql.chars().filter(c -> c == '?').count();
    }

    /**
     * The camel-sql endpoint: a batch of parameter lists ({@code batch=true}); the parameter count given,
     * so the driver is not asked for it (a round trip on PostgreSQL); {@code #} is camel-sql's placeholder
     * in a URI, where {@code ?} starts the options.
     */
    String endpointUri() {
        return "sql:" + sql.replace('?', '#') + "?batch=true&parametersCount=" + parameters();
    }
}

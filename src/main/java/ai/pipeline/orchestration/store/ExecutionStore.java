package ai.pipeline.orchestration.store;

import ai.pipeline.orchestration.canvas.ChordPolicy;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * Execution records in SQL (H2 in PostgreSQL mode, or PostgreSQL): pipelines, tasks, attempts and
 * joins. Every statement takes parameters; nothing is spliced into SQL but placeholders. A group
 * commit's records are written by {@link ExecutionRecords} and its waiting messages kept by
 * {@link OutboxStore}; this class loads the records for the engine and answers queries.
 */
@Repository
public class ExecutionStore {

    static final int IN_LIMIT = 500;

    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    public ExecutionStore(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    // ---- loading ---------------------------------------------------------------------------

    /**
     * Loads the records of these chains (the engine holds them in memory from then on, and is
     * their only writer). Unknown ids are absent from the result.
     */
    public Map<String, ChainRecords> load(Collection<String> chainIds) {
        Map<String, ChainRecords> loaded = new HashMap<>();
        List<String> sorted = new ArrayList<>(new TreeSet<>(chainIds));
        for (int from = 0; from < sorted.size(); from += IN_LIMIT) {
            List<String> ids = sorted.subList(from, Math.min(sorted.size(), from + IN_LIMIT));
            String in = placeholders(ids.size());
            Object[] args = ids.toArray();
            List<PipelineRow> pipelines = jdbc.query("SELECT * FROM pipeline_execution WHERE chain_id IN (" + in + ")",
                    PIPELINE, args);
            if (pipelines.isEmpty()) {
                continue;
            }
            Map<String, List<TaskRow>> tasks = new HashMap<>();
            jdbc.query("SELECT * FROM task_execution WHERE chain_id IN (" + in + ")", TASK, args)
                    .forEach(t -> tasks.computeIfAbsent(t.chainId, k -> new ArrayList<>()).add(t));
            Map<String, List<JoinRow>> joins = new HashMap<>();
            jdbc.query("SELECT * FROM chain_join WHERE chain_id IN (" + in + ")", JOIN, args)
                    .forEach(j -> joins.computeIfAbsent(j.chainId, k -> new ArrayList<>()).add(j));
            for (PipelineRow p : pipelines) {
                loaded.put(p.chainId, new ChainRecords(p, tasks.getOrDefault(p.chainId, List.of()),
                        joins.getOrDefault(p.chainId, List.of()), false));
            }
        }
        return loaded;
    }

    /** The chain ids of every run that has not ended: what the engine takes up again after a restart. */
    public List<String> unfinishedChainIds() {
        return jdbc.queryForList("SELECT chain_id FROM pipeline_execution WHERE status IN ('PENDING', 'RUNNING')", String.class);
    }

    /** Which of these chain ids are recorded. */
    public List<String> existingChainIds(Collection<String> chainIds) {
        List<String> found = new ArrayList<>();
        List<String> ids = new ArrayList<>(new TreeSet<>(chainIds));
        for (int from = 0; from < ids.size(); from += IN_LIMIT) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IN_LIMIT));
            found.addAll(jdbc.queryForList("SELECT chain_id FROM pipeline_execution WHERE chain_id IN ("
                    + placeholders(chunk.size()) + ")", String.class, chunk.toArray()));
        }
        return found;
    }

    // ---- requests and the outbox -----------------------------------------------------------

    /** The pipelines that these client request ids already started: request id to chain id. */
    public Map<String, String> chainIdsForRequests(Collection<String> requestIds) {
        Map<String, String> found = new HashMap<>();
        List<String> ids = new ArrayList<>(new TreeSet<>(requestIds));
        for (int from = 0; from < ids.size(); from += IN_LIMIT) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IN_LIMIT));
            jdbc.query("SELECT request_id, chain_id FROM pipeline_execution WHERE request_id IN ("
                    + placeholders(chunk.size()) + ")", rs -> {
                        found.put(rs.getString(1), rs.getString(2));
                    }, chunk.toArray());
        }
        return found;
    }

    // ---- reading for the API ------------------------------------------------------------------

    public Optional<PipelineRow> findPipeline(String chainId) {
        return jdbc.query("SELECT * FROM pipeline_execution WHERE chain_id = ?", PIPELINE, chainId).stream().findFirst();
    }

    public List<TaskRow> findTasks(String chainId) {
        return jdbc.query("SELECT * FROM task_execution WHERE chain_id = ? ORDER BY created_at, node", TASK, chainId);
    }

    public List<AttemptRow> findAttempts(String chainId) {
        return jdbc.query("SELECT a.* FROM task_attempt a JOIN task_execution t ON t.task_id = a.task_id "
                + "WHERE t.chain_id = ? ORDER BY a.finished_at", (rs, i) -> new AttemptRow(rs.getString("task_id"),
                rs.getInt("attempt"), rs.getString("outcome"), time(rs, "started_at"), time(rs, "finished_at"),
                rs.getString("error"), rs.getString("worker")), chainId);
    }

    /** How many runs the records hold, optionally of one pipeline name and/or status. */
    public long countHistory(String pipeline, PipelineStatus status) {
        return countHistory(new HistoryFilter(pipeline, status == null ? Set.of() : Set.of(status), null, null, null, null, null));
    }

    /** A page of the runs a search finds, newest first (read-only; for the API and the dashboard). */
    public List<PipelineRow> history(HistoryFilter filter, int page, int size) {
        List<Object> args = new ArrayList<>();
        String where = filter.where(args);
        args.add(size);
        args.add((long) page * size);
        return jdbc.query("SELECT * FROM pipeline_execution" + where + filter.orderBy() + " LIMIT ? OFFSET ?",
                PIPELINE, args.toArray());
    }

    public long countHistory(HistoryFilter filter) {
        List<Object> args = new ArrayList<>();
        String where = filter.where(args);
        Long count = jdbc.queryForObject("SELECT COUNT(*) FROM pipeline_execution" + where, Long.class, args.toArray());
        return count == null ? 0 : count;
    }

    // ---- mapping --------------------------------------------------------------------------

    private static final RowMapper<PipelineRow> PIPELINE = (rs, i) -> {
        PipelineRow p = new PipelineRow(rs.getString("chain_id"), rs.getString("pipeline"), rs.getString("canvas"),
                rs.getString("input"), rs.getString("request_id"), rs.getString("source"), time(rs, "created_at"),
                PipelineStatus.valueOf(rs.getString("status")));
        p.result = rs.getString("result");
        p.error = rs.getString("error");
        p.failedNode = rs.getString("failed_node");
        p.startedAt = time(rs, "started_at");
        p.finishedAt = time(rs, "finished_at");
        p.rerunOf = rs.getString("rerun_of");
        return p;
    };

    private static final RowMapper<TaskRow> TASK = (rs, i) -> {
        TaskRow t = new TaskRow(rs.getString("task_id"), rs.getString("chain_id"), rs.getString("node"),
                rs.getString("name"), time(rs, "created_at"), TaskState.valueOf(rs.getString("state")),
                rs.getInt("attempt"), rs.getInt("max_attempts"));
        t.queuedAt = time(rs, "queued_at");
        t.startedAt = time(rs, "started_at");
        t.finishedAt = time(rs, "finished_at");
        t.nextAttemptAt = time(rs, "next_attempt_at");
        t.result = rs.getString("result");
        t.error = rs.getString("error");
        t.worker = rs.getString("worker");
        return t;
    };

    private static final RowMapper<JoinRow> JOIN = (rs, i) -> {
        JoinRow j = new JoinRow(rs.getString("chain_id"), rs.getString("node"), rs.getInt("expected"),
                policy(rs.getString("policy")), time(rs, "deadline"), time(rs, "opened_at"),
                JoinRow.Status.valueOf(rs.getString("status")));
        j.error = rs.getString("error");
        j.completedAt = time(rs, "completed_at");
        return j;
    };

    private static Instant time(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** A stored join's policy; a text no version wrote is a broken row, named as such rather than "No value present". */
    private static ChordPolicy policy(String text) {
        return ChordPolicy.fromJson(text).orElseThrow(() ->
                new IllegalStateException("chain_join.policy holds '" + text + "', not fail_fast or all_settled"));
    }

    static String placeholders(int n) {
        return String.join(",", java.util.Collections.nCopies(n, "?"));
    }
}

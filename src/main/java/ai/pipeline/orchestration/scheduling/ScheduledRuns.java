package ai.pipeline.orchestration.scheduling;

import ai.pipeline.orchestration.store.HistoryFilter;
import ai.pipeline.orchestration.store.PipelineRow;
import ai.pipeline.orchestration.store.PipelineStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/**
 * The {@code scheduled_run} table: runs started with a countdown or an eta, waiting (SCHEDULED) until
 * they are due, or cancelled while they waited (CANCELLED). They are shown as pipeline records, so a
 * chain id handed out for a scheduled run is never unknown.
 */
@Repository
public class ScheduledRuns {

    /** A due run as it was recorded: what the timer hands the engine, under its chain id. */
    record Due(String chainId, String pipeline, String canvas, String input, String requestId, String source) {
    }

    private static final RowMapper<PipelineRow> ROW = (rs, i) -> {
        PipelineStatus status = PipelineStatus.valueOf(rs.getString("status"));
        PipelineRow row = new PipelineRow(rs.getString("chain_id"), rs.getString("pipeline"), rs.getString("canvas"),
                rs.getString("input"), rs.getString("request_id"), rs.getString("source"), time(rs, "created_at"), status);
        row.finishedAt = time(rs, "finished_at");
        row.error = rs.getString("error");
        return row;
    };

    private final JdbcTemplate jdbc;

    ScheduledRuns(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void add(Due run, Instant dueAt, Instant now) {
        jdbc.update("INSERT INTO scheduled_run (chain_id, pipeline, status, canvas, input, request_id, source, created_at, due_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", run.chainId(), run.pipeline(), PipelineStatus.SCHEDULED.name(),
                run.canvas(), run.input(), run.requestId(), run.source(), at(now), at(dueAt));
    }

    /** The run's record while it waits or after it was cancelled waiting; empty once it started (or never was). */
    public Optional<PipelineRow> find(String chainId) {
        return jdbc.query("SELECT * FROM scheduled_run WHERE chain_id = ?", ROW, chainId).stream().findFirst();
    }

    /** When the run is (or was) due, if it was scheduled and has not started yet. */
    public Optional<Instant> dueAt(String chainId) {
        return jdbc.query("SELECT due_at FROM scheduled_run WHERE chain_id = ?", (rs, i) -> time(rs, "due_at"), chainId)
                .stream().findFirst();
    }

    Optional<String> chainIdForRequest(String requestId) {
        return jdbc.queryForList("SELECT chain_id FROM scheduled_run WHERE request_id = ?", String.class, requestId)
                .stream().findFirst();
    }

    /** Cancels a run still waiting; false when there is none (started, claimed by the timer, or never scheduled). */
    public boolean cancel(String chainId) {
        return jdbc.update("UPDATE scheduled_run SET status = ?, finished_at = ? "
                        + "WHERE chain_id = ? AND status = ? AND claimed_at IS NULL",
                PipelineStatus.CANCELLED.name(), at(Instant.now()), chainId, PipelineStatus.SCHEDULED.name()) == 1;
    }

    /** Runs due by {@code now}, and runs claimed before whose start did not finish (an instance stopped in between). */
    List<Due> due(Instant now, int limit) {
        return jdbc.query("SELECT * FROM scheduled_run WHERE status = ? AND due_at <= ? ORDER BY due_at LIMIT ?",
                (rs, i) -> new Due(rs.getString("chain_id"), rs.getString("pipeline"), rs.getString("canvas"),
                        rs.getString("input"), rs.getString("request_id"), rs.getString("source")),
                PipelineStatus.SCHEDULED.name(), at(now), limit);
    }

    /** Takes a due run for starting, after which a cancel goes to the engine; false when it was cancelled first. */
    boolean claim(String chainId) {
        return jdbc.update("UPDATE scheduled_run SET claimed_at = ? WHERE chain_id = ? AND status = ?",
                at(Instant.now()), chainId, PipelineStatus.SCHEDULED.name()) == 1;
    }

    /** A due run that cannot start (a defect or bad data a retry would repeat): it ends here as FAILURE. */
    void fail(String chainId, String error) {
        jdbc.update("UPDATE scheduled_run SET status = ?, error = ?, finished_at = ? WHERE chain_id = ?",
                PipelineStatus.FAILURE.name(), error, at(Instant.now()), chainId);
    }

    /** The run started (its engine record is stored): it is no longer kept here. */
    void remove(String chainId) {
        jdbc.update("DELETE FROM scheduled_run WHERE chain_id = ?", chainId);
    }

    /** Deletes a run that ended while it waited (DELETE /api/v1/pipelines/{chain_id}); false when there is none. */
    public boolean deleteEnded(String chainId) {
        return jdbc.update("DELETE FROM scheduled_run WHERE chain_id = ? AND status <> ?", chainId,
                PipelineStatus.SCHEDULED.name()) == 1;
    }

    /** What a history search finds here, newest first, from {@code offset}. */
    public List<PipelineRow> history(HistoryFilter filter, long offset, int limit) {
        List<Object> args = new ArrayList<>();
        String where = filter.where(args);
        args.add(limit);
        args.add(offset);
        return jdbc.query("SELECT * FROM scheduled_run" + where + filter.orderBy() + " LIMIT ? OFFSET ?",
                ROW, args.toArray());
    }

    public long count(HistoryFilter filter) {
        List<Object> args = new ArrayList<>();
        String where = filter.where(args);
        Long count = jdbc.queryForObject("SELECT COUNT(*) FROM scheduled_run" + where, Long.class, args.toArray());
        return count == null ? 0 : count;
    }

    static OffsetDateTime at(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static Instant time(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}

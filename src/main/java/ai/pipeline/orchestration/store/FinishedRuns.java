package ai.pipeline.orchestration.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The records of runs that have ended, for what comes after: re-runs, deletion and retention. The
 * engine no longer holds such runs, so these statements never meet its group commits; the caller
 * makes sure of that ({@code PipelineEngine#withRunsNotHeld}) and brings the transaction.
 */
@Repository
public class FinishedRuns {

    /** The most chain ids one call takes (one IN list). */
    public static final int MAX_IDS = 500;
    private static final String FINISHED = "status IN ('SUCCESS', 'FAILURE', 'CANCELLED')";

    private final JdbcTemplate jdbc;

    public FinishedRuns(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The runs started as re-runs of this one, oldest first. */
    public List<String> reruns(String chainId) {
        return jdbc.queryForList("SELECT chain_id FROM pipeline_execution WHERE rerun_of = ? ORDER BY created_at, chain_id",
                String.class, chainId);
    }

    /** Up to {@code limit} runs that ended before {@code cutoff}, oldest first. */
    public List<String> endedBefore(Instant cutoff, int limit) {
        return jdbc.queryForList("SELECT chain_id FROM pipeline_execution WHERE finished_at < ? AND " + FINISHED
                + " ORDER BY finished_at LIMIT ?", String.class, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC), limit);
    }

    /**
     * What an ended run was given and what it answered: its input, and the results of the run and of
     * each task (JSON texts), as they were when it ended at {@code finishedAt}.
     */
    public record Payloads(String input, List<String> results, Instant finishedAt) {
    }

    /** The payloads of those of these runs that have ended, by chain id. */
    public Map<String, Payloads> payloads(Collection<String> chainIds) {
        if (chainIds.isEmpty()) {
            return Map.of();
        }
        requireAtMostMax(chainIds);
        Map<String, String> inputs = new HashMap<>();
        Map<String, Instant> ends = new HashMap<>();
        Map<String, List<String>> results = new HashMap<>();
        Object[] ids = chainIds.toArray();
        String in = placeholders(ids.length);
        jdbc.query("SELECT chain_id, input, result, finished_at FROM pipeline_execution WHERE chain_id IN (" + in + ") AND "
                + FINISHED, rs -> {
                    inputs.put(rs.getString(1), rs.getString(2));
                    addResult(results, rs.getString(1), rs.getString(3));
                    ends.put(rs.getString(1), instant(rs.getObject(4, OffsetDateTime.class)));
                }, ids);
        jdbc.query("SELECT chain_id, result FROM task_execution WHERE chain_id IN (" + in + ") AND result IS NOT NULL",
                rs -> {
                    addResult(results, rs.getString(1), rs.getString(2));
                }, ids);
        Map<String, Payloads> payloads = new HashMap<>();
        inputs.forEach((chainId, input) -> payloads.put(chainId,
                new Payloads(input, results.getOrDefault(chainId, List.of()), ends.get(chainId))));
        return payloads;
    }

    private static void addResult(Map<String, List<String>> results, String chainId, String result) {
        if (result != null) {
            results.computeIfAbsent(chainId, k -> new ArrayList<>()).add(result);
        }
    }

    /**
     * Deletes the records (attempts, tasks, joins, the run) of those of these runs that are still as
     * they were when they ended at the given time; returns their chain ids. Runs that have not ended,
     * or ended again since (a retry), are left as they are.
     */
    public List<String> delete(Map<String, Instant> endedAt) {
        if (endedAt.isEmpty()) {
            return List.of();
        }
        requireAtMostMax(endedAt.keySet());
        Object[] given = endedAt.keySet().toArray();
        List<String> ended = new ArrayList<>();
        jdbc.query("SELECT chain_id, finished_at FROM pipeline_execution WHERE chain_id IN (" + placeholders(given.length)
                + ") AND " + FINISHED, rs -> {
                    if (Objects.equals(instant(rs.getObject(2, OffsetDateTime.class)), endedAt.get(rs.getString(1)))) {
                        ended.add(rs.getString(1));
                    }
                }, given);
        if (ended.isEmpty()) {
            return List.of();
        }
        Object[] ids = ended.toArray();
        String in = placeholders(ids.length);
        jdbc.update("DELETE FROM task_attempt WHERE task_id IN (SELECT task_id FROM task_execution WHERE chain_id IN (" + in + "))", ids);
        jdbc.update("DELETE FROM chain_join WHERE chain_id IN (" + in + ")", ids);
        jdbc.update("DELETE FROM task_execution WHERE chain_id IN (" + in + ")", ids);
        jdbc.update("DELETE FROM pipeline_execution WHERE chain_id IN (" + in + ")", ids);
        return ended;
    }

    private static void requireAtMostMax(Collection<String> chainIds) {
        if (chainIds.size() > MAX_IDS) {
            throw new IllegalArgumentException(chainIds.size() + " chain ids; at most " + MAX_IDS + " at a time");
        }
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static String placeholders(int n) {
        return String.join(",", Collections.nCopies(n, "?"));
    }
}

package ai.pipeline.orchestration.scheduling;

import static ai.pipeline.orchestration.scheduling.ScheduledRuns.at;
import static ai.pipeline.orchestration.scheduling.ScheduledRuns.time;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The {@code run_callback} and {@code callback_attempt} tables: which runs asked for a callback, and
 * every delivery attempt. A callback is due once its run's end is stored (in {@code pipeline_execution},
 * or in {@code scheduled_run} for a run that ended while it waited).
 */
@Repository
public class RunCallbacks {

    public enum State { PENDING, DELIVERED, FAILED }

    /** How a run's callback looks in its API record. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CallbackView(String url, State state, List<AttemptView> attempts) {
    }

    /** One delivery attempt: the receiver's HTTP status (none when it could not be reached) and what went wrong. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AttemptView(int attempt, Instant at, Integer httpStatus, String error) {
    }

    record Due(String chainId, URI url, int attempts) {
    }

    private static final String ENDED = "'SUCCESS', 'FAILURE', 'CANCELLED'";

    private final JdbcTemplate jdbc;

    RunCallbacks(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Written before the run starts, so its end cannot come first. */
    public void register(String chainId, URI url) {
        Instant now = Instant.now();
        jdbc.update("INSERT INTO run_callback (chain_id, url, state, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, 0, ?, ?)",
                chainId, url.toString(), State.PENDING.name(), at(now), at(now));
    }

    /** The same, for a start that may be read again (a Kafka request): a second registration changes nothing. */
    public void registerOnce(String chainId, URI url) {
        try {
            register(chainId, url);
        } catch (DuplicateKeyException e) {
            // registered when the request was read before
        }
    }

    /** The start did not happen (refused, or an earlier run with the same request id answered it). */
    public void remove(String chainId) {
        jdbc.update("DELETE FROM run_callback WHERE chain_id = ?", chainId);
    }

    List<Due> due(Instant now, int limit) {
        return jdbc.query("SELECT c.chain_id, c.url, c.attempts FROM run_callback c WHERE c.state = ? AND c.next_attempt_at <= ? "
                        + "AND (EXISTS (SELECT 1 FROM pipeline_execution p WHERE p.chain_id = c.chain_id AND p.status IN (" + ENDED + ")) "
                        + "OR EXISTS (SELECT 1 FROM scheduled_run s WHERE s.chain_id = c.chain_id AND s.status IN (" + ENDED + "))) "
                        + "ORDER BY c.next_attempt_at LIMIT ?",
                (rs, i) -> new Due(rs.getString("chain_id"), URI.create(rs.getString("url")), rs.getInt("attempts")),
                State.PENDING.name(), at(now), limit);
    }

    /** Records an attempt and what follows it: delivered, given up, or another attempt at {@code next}. */
    @Transactional
    void recordAttempt(Due due, Instant when, Integer httpStatus, String error, State state, Instant next) {
        int attempt = due.attempts() + 1;
        int updated = jdbc.update("UPDATE run_callback SET attempts = ?, state = ?, next_attempt_at = ?, finished_at = ? "
                        + "WHERE chain_id = ? AND attempts = ?", attempt, state.name(), at(next),
                state == State.PENDING ? null : at(when), due.chainId(), due.attempts());
        if (updated == 1) {
            jdbc.update("INSERT INTO callback_attempt (chain_id, attempt, attempted_at, http_status, error) VALUES (?, ?, ?, ?, ?)",
                    due.chainId(), attempt, at(when), httpStatus, error);
        }
    }

    public Optional<CallbackView> view(String chainId) {
        return jdbc.query("SELECT url, state FROM run_callback WHERE chain_id = ?",
                (rs, i) -> new CallbackView(rs.getString("url"), State.valueOf(rs.getString("state")), attempts(chainId)),
                chainId).stream().findFirst();
    }

    private List<AttemptView> attempts(String chainId) {
        return jdbc.query("SELECT * FROM callback_attempt WHERE chain_id = ? ORDER BY attempt",
                (rs, i) -> new AttemptView(rs.getInt("attempt"), time(rs, "attempted_at"),
                        (Integer) rs.getObject("http_status", Integer.class), rs.getString("error")), chainId);
    }
}

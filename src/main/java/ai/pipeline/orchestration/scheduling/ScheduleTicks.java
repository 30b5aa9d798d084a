package ai.pipeline.orchestration.scheduling;

import static ai.pipeline.orchestration.scheduling.ScheduledRuns.at;
import static ai.pipeline.orchestration.scheduling.ScheduledRuns.time;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/** The {@code schedule_tick} table: each periodic tick claimed once, the run it started, or why it did not. */
@Repository
class ScheduleTicks {

    record Tick(String schedule, Instant tickAt, String chainId, boolean started, String error) {
    }

    private static final RowMapper<Tick> TICK = (rs, i) -> new Tick(rs.getString("schedule"), time(rs, "tick_at"),
            rs.getString("chain_id"), rs.getBoolean("started"), rs.getString("error"));

    private final JdbcTemplate jdbc;

    ScheduleTicks(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Claims a tick for this instance; false when it was claimed before (by this or another instance). */
    boolean claim(Tick tick) {
        try {
            return jdbc.update("INSERT INTO schedule_tick (schedule, tick_at, chain_id, started, claimed_at) VALUES (?, ?, ?, ?, ?)",
                    tick.schedule(), at(tick.tickAt()), tick.chainId(), false, at(Instant.now())) == 1;
        } catch (DuplicateKeyException e) {
            return false;
        }
    }

    /** Ticks claimed whose run has not been started (the claiming instance stopped in between). */
    List<Tick> unstarted() {
        return jdbc.query("SELECT * FROM schedule_tick WHERE started = ? ORDER BY tick_at", TICK, false);
    }

    void started(Tick tick, String error) {
        jdbc.update("UPDATE schedule_tick SET started = ?, error = ? WHERE schedule = ? AND tick_at = ?",
                true, error, tick.schedule(), at(tick.tickAt()));
    }

    Optional<Tick> last(String schedule) {
        return jdbc.query("SELECT * FROM schedule_tick WHERE schedule = ? ORDER BY tick_at DESC LIMIT 1", TICK, schedule)
                .stream().findFirst();
    }
}

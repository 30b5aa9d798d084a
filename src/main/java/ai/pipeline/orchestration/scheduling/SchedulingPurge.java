package ai.pipeline.orchestration.scheduling;

import ai.pipeline.orchestration.retention.RetentionProperties;
import java.time.Instant;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps this module's tables as long as finished runs are kept ({@code app.retention.runs}; lease
 * holder only, from the {@code orchestration-scheduling-purge} timer): runs that ended while they
 * waited, ticks (but each schedule's last, which its next tick counts from), and delivered or
 * given-up callbacks with their attempts.
 */
@Component
class SchedulingPurge {

    private final JdbcTemplate jdbc;
    private final RetentionProperties retention;

    SchedulingPurge(JdbcTemplate jdbc, RetentionProperties retention) {
        this.jdbc = jdbc;
        this.retention = retention;
    }

    void purge() {
        if (!RetentionProperties.enabled(retention.runs())) {
            return;
        }
        Object before = ScheduledRuns.at(Instant.now().minus(retention.runs()));
        jdbc.update("DELETE FROM scheduled_run WHERE status <> 'SCHEDULED' AND finished_at < ?", before);
        jdbc.update("DELETE FROM schedule_tick WHERE started = TRUE AND tick_at < ? "
                + "AND tick_at < (SELECT MAX(t.tick_at) FROM schedule_tick t WHERE t.schedule = schedule_tick.schedule)", before);
        jdbc.update("DELETE FROM callback_attempt WHERE chain_id IN "
                + "(SELECT chain_id FROM run_callback WHERE state <> 'PENDING' AND finished_at < ?)", before);
        jdbc.update("DELETE FROM run_callback WHERE state <> 'PENDING' AND finished_at < ?", before);
    }
}

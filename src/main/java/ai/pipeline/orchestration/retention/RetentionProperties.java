package ai.pipeline.orchestration.retention;

import ai.pipeline.orchestration.store.FinishedRuns;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code app.retention.*}: how long what the runs leave behind is kept. Each period may be {@code 0}
 * or empty: kept for ever.
 *
 * @param runs      finished runs (their records and the files they wrote under storage), by end time
 * @param uploads   uploaded files ({@code storage/uploads/}) and dropped files copied into storage ({@code storage/drop-folder/})
 * @param outbox    result files in {@code <app.data-dir>/outbox/}
 * @param inbox     files the drop folder moved to {@code .done/} and {@code .failed/} (with their notes)
 * @param interval  how often the job runs (on the instance that holds the orchestrator lease); 0: never
 * @param batchSize runs deleted per transaction
 */
@ConfigurationProperties("app.retention")
public record RetentionProperties(
        @DefaultValue("30d") Duration runs,
        @DefaultValue("30d") Duration uploads,
        @DefaultValue("30d") Duration outbox,
        @DefaultValue("30d") Duration inbox,
        @DefaultValue("1h") Duration interval,
        @DefaultValue("100") int batchSize) {

    public RetentionProperties {
        for (Duration period : new Duration[] {runs, uploads, outbox, inbox, interval}) {
            if (period != null && period.isNegative()) {
                throw new IllegalArgumentException("app.retention: periods must not be negative, got " + period);
            }
        }
        if (batchSize < 1 || batchSize > FinishedRuns.MAX_IDS) {
            throw new IllegalArgumentException("app.retention.batch-size must be between 1 and " + FinishedRuns.MAX_IDS);
        }
    }

    /** Whether something of this age is ever purged: a period of 0 or none keeps it for ever. */
    public static boolean enabled(Duration period) {
        return period != null && !period.isZero();
    }
}

package ai.pipeline.orchestration.monitor;

import ai.pipeline.shared.task.TaskFailure;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * The numbers behind the dashboard's charts, computed by the database over a recent window: runs
 * finished and their p50/p95 duration per pipeline and time bucket, attempts' durations per task
 * type, and failed attempts by reason. Plain SQL that PostgreSQL and H2 both run (EXTRACT(EPOCH …),
 * PERCENTILE_CONT … WITHIN GROUP, POSITION … IN); bucketing happens in a subquery so no parameter
 * is repeated in a GROUP BY.
 */
@Service
public class RunStats {

    static final int BUCKETS = 60;
    static final Duration MAX_WINDOW = Duration.ofDays(7);
    private static final Pattern WINDOW = Pattern.compile("(\\d{1,4})([mhd])");

    /** One pipeline's runs finished in one bucket; seconds are null when none of them ran. */
    public record Bucket(String pipeline, int bucket, Instant from, long runs, long failed, Double p50Seconds, Double p95Seconds) {
    }

    /** A pipeline's runs over the whole window. */
    public record PipelineTotal(String pipeline, long runs, long failed, Double p50Seconds, Double p95Seconds) {
    }

    public record TaskDurations(String task, long attempts, long failed, Double p50Seconds, Double p95Seconds, Double maxSeconds) {
    }

    public record FailureReason(String reason, long failedForGood, long retried) {
    }

    public record Stats(String window, Instant from, Instant to, long bucketSeconds, List<PipelineTotal> pipelines,
                        List<Bucket> buckets, List<TaskDurations> tasks, List<FailureReason> failures) {
    }

    private static final String PERCENTILES = "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY seconds) AS p50, "
            + "PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY seconds) AS p95";
    private static final String RUNS = "SELECT pipeline, status, FLOOR((EXTRACT(EPOCH FROM finished_at) - ?) / ?) AS bucket, "
            + "EXTRACT(EPOCH FROM finished_at) - EXTRACT(EPOCH FROM started_at) AS seconds "
            + "FROM pipeline_execution WHERE finished_at >= ? AND finished_at < ?";

    private final JdbcTemplate jdbc;

    public RunStats(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** {@code 15m}, {@code 1h}, {@code 24h}, {@code 7d}: 400 for anything else. */
    public static Duration parseWindow(String window) {
        Matcher m = WINDOW.matcher(window == null ? "" : window.trim().toLowerCase(Locale.ROOT));
        Duration duration = !m.matches() ? null : switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(Long.parseLong(m.group(1)));
            case "h" -> Duration.ofHours(Long.parseLong(m.group(1)));
            default -> Duration.ofDays(Long.parseLong(m.group(1)));
        };
        if (duration == null || duration.compareTo(Duration.ofMinutes(1)) < 0 || duration.compareTo(MAX_WINDOW) > 0) {
            throw TaskFailure.invalidInput("window must be a number and a unit (m, h or d) between 1m and 7d, like 1h or 30m");
        }
        return duration;
    }

    /** The window of the given length ending at {@code to}, rounded up to a whole bucket. */
    public Stats over(String window, Instant to) {
        Duration length = parseWindow(window);
        long bucketSeconds = Math.max(1, length.toSeconds() / BUCKETS);
        // the window ends on a bucket boundary (whole seconds), so every run in it falls in buckets 0 to 59
        long endSeconds = to.getEpochSecond() + (to.getNano() > 0 ? 1 : 0);
        Instant end = Instant.ofEpochSecond(-Math.floorDiv(-endSeconds, bucketSeconds) * bucketSeconds);
        Instant from = end.minus(length);
        OffsetDateTime since = OffsetDateTime.ofInstant(from, ZoneOffset.UTC);
        OffsetDateTime until = OffsetDateTime.ofInstant(end, ZoneOffset.UTC);
        long fromEpoch = from.getEpochSecond();

        List<Bucket> buckets = jdbc.query("SELECT pipeline, bucket, COUNT(*) AS runs, "
                        + "SUM(CASE WHEN status = 'FAILURE' THEN 1 ELSE 0 END) AS failed, " + PERCENTILES
                        + " FROM (" + RUNS + ") r GROUP BY pipeline, bucket ORDER BY pipeline, bucket",
                (rs, i) -> {
                    int bucket = (int) rs.getLong("bucket");
                    return new Bucket(rs.getString("pipeline"), bucket, from.plusSeconds(bucket * bucketSeconds),
                            rs.getLong("runs"), rs.getLong("failed"), seconds(rs.getObject("p50")), seconds(rs.getObject("p95")));
                }, fromEpoch, bucketSeconds, since, until);
        List<PipelineTotal> pipelines = jdbc.query("SELECT pipeline, COUNT(*) AS runs, "
                        + "SUM(CASE WHEN status = 'FAILURE' THEN 1 ELSE 0 END) AS failed, " + PERCENTILES
                        + " FROM (" + RUNS + ") r GROUP BY pipeline ORDER BY runs DESC, pipeline",
                (rs, i) -> new PipelineTotal(rs.getString("pipeline"), rs.getLong("runs"), rs.getLong("failed"),
                        seconds(rs.getObject("p50")), seconds(rs.getObject("p95"))), fromEpoch, bucketSeconds, since, until);
        List<TaskDurations> tasks = jdbc.query("SELECT name, COUNT(*) AS attempts, "
                        + "SUM(CASE WHEN outcome = 'SUCCESS' THEN 0 ELSE 1 END) AS failed, " + PERCENTILES + ", MAX(seconds) AS longest "
                        + "FROM (SELECT t.name, a.outcome, EXTRACT(EPOCH FROM a.finished_at) - EXTRACT(EPOCH FROM a.started_at) AS seconds "
                        + "FROM task_attempt a JOIN task_execution t ON t.task_id = a.task_id "
                        + "WHERE a.finished_at >= ? AND a.finished_at < ?) x GROUP BY name ORDER BY name",
                (rs, i) -> new TaskDurations(rs.getString("name"), rs.getLong("attempts"), rs.getLong("failed"),
                        seconds(rs.getObject("p50")), seconds(rs.getObject("p95")), seconds(rs.getObject("longest"))),
                since, until);
        // an attempt's error reads "<reason>: <message>" (ErrorInfo.describe); the reason is its first word
        List<FailureReason> failures = jdbc.query("SELECT reason, SUM(CASE WHEN outcome = 'FAILURE' THEN 1 ELSE 0 END) AS final, "
                        + "SUM(CASE WHEN outcome = 'FAILURE' THEN 0 ELSE 1 END) AS retried FROM ("
                        + "SELECT CASE WHEN POSITION(': ' IN error) > 1 THEN SUBSTRING(error FROM 1 FOR POSITION(': ' IN error) - 1) "
                        + "ELSE 'error' END AS reason, outcome FROM task_attempt "
                        + "WHERE finished_at >= ? AND finished_at < ? AND outcome <> 'SUCCESS') f "
                        + "GROUP BY reason ORDER BY reason",
                (rs, i) -> new FailureReason(rs.getString("reason"), rs.getLong("final"), rs.getLong("retried")), since, until);
        return new Stats(window.trim().toLowerCase(Locale.ROOT), from, end, bucketSeconds, pipelines, buckets, tasks, failures);
    }

    /** Seconds rounded to the millisecond; null stays null. */
    private static Double seconds(Object value) {
        return value == null ? null : Math.round(((Number) value).doubleValue() * 1000) / 1000.0;
    }
}

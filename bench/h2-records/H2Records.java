// What a group commit's records cost H2, statement by statement, with the project's own migrations
// and record statements (docs/performance.md): chain3 runs in the pattern of a load burst, B runs per
// commit, each run written by three commits (its start: the pipeline and its three tasks; its middle:
// two tasks done; its end), with its events in the outbox, as the engine writes them.
// The first third of the commits warm up; the lines give each statement's cost per row over the rest.
// java -XX:TieredStopAtLevel=1 [-Dchain-ids=random|ordered] -cp ~/.m2/repository/com/h2database/h2/2.4.240/h2-2.4.240.jar \
//     bench/h2-records/H2Records.java [runs per commit, 500] [commits, 60] [extra.sql, run after the migrations]
// (from the project's directory: it reads src/main/resources/db/migration)
import java.nio.file.*;
import java.sql.*;
import java.time.*;
import java.util.*;

public class H2Records {

    static final String[] STATEMENTS = {
        "INSERT INTO pipeline_execution (chain_id, pipeline, status, canvas, input, result, error, failed_node, request_id, source, created_at, started_at, finished_at, rerun_of) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        "UPDATE pipeline_execution SET status = ?, result = ?, error = ?, failed_node = ?, started_at = ?, finished_at = ? WHERE chain_id = ?",
        "INSERT INTO task_execution (task_id, chain_id, node, name, state, attempt, max_attempts, created_at, queued_at, started_at, finished_at, next_attempt_at, result, error, worker) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        "UPDATE task_execution SET state = ?, attempt = ?, max_attempts = ?, queued_at = ?, started_at = ?, finished_at = ?, next_attempt_at = ?, result = ?, error = ?, worker = ? WHERE task_id = ?",
        "INSERT INTO task_attempt (task_id, attempt, outcome, started_at, finished_at, error, worker) VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
        "INSERT INTO kafka_outbox (messages, created_at) VALUES (?, ?)",
        "DELETE FROM kafka_outbox WHERE id = ?"};
    static final String[] NAMES = {"insert pipeline", "update pipeline", "insert task", "update task", "insert attempt", "outbox add", "outbox delete", "commit"};
    static final long[] nanos = new long[8];
    static final long[] rows = new long[8];
    static final String CANVAS = "{\"chain\":[{\"task\":\"core.echo\"},{\"task\":\"core.echo\"},{\"task\":\"core.echo\"}]}";
    static final String EVENT = "{\"topic\":\"ai.pipeline.events\",\"key\":\"%s\",\"payload\":\"{\\\"chain_id\\\":\\\"%s\\\",\\\"pipeline\\\":\\\"workflow\\\",\\\"kind\\\":\\\"task\\\",\\\"status\\\":\\\"SUCCESS\\\",\\\"node\\\":\\\"0\\\",\\\"task_id\\\":\\\"%s\\\",\\\"task\\\":\\\"core.echo\\\",\\\"attempt\\\":1,\\\"at\\\":\\\"2026-12-06T04:43:33.990213224Z\\\"}\"}";

    record Run(String chainId, String[] taskIds, int n) {}

    public static void main(String[] args) throws Exception {
        int perCommit = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int commits = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        Path dir = Files.createTempDirectory("h2-records");
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir + "/p;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;CACHE_SIZE=65536;WRITE_DELAY=0" + System.getProperty("url-options", ""), "sa", "")) {
            try (var files = Files.list(Path.of("src/main/resources/db/migration"))) {
                for (Path migration : files.sorted(Comparator.comparingInt(H2Records::version)).toList()) {
                    runScript(c, Files.readString(migration));
                }
            }
            if (args.length > 2) {
                runScript(c, Files.readString(Path.of(args[2])));
            }
            if (Boolean.getBoolean("drop-foreign-keys")) {
                List<String> drops = new ArrayList<>();
                try (ResultSet fks = c.createStatement().executeQuery("SELECT table_name, constraint_name FROM information_schema.table_constraints "
                        + "WHERE table_schema = 'public' AND constraint_type = 'FOREIGN KEY'")) {
                    while (fks.next()) {
                        drops.add("ALTER TABLE " + fks.getString(1) + " DROP CONSTRAINT \"" + fks.getString(2) + "\"");
                    }
                }
                for (String drop : drops) {
                    c.createStatement().execute(drop);
                }
            }
            c.setAutoCommit(false);
            PreparedStatement[] ps = new PreparedStatement[STATEMENTS.length];
            for (int i = 0; i < ps.length; i++) {
                ps[i] = i == 5 ? c.prepareStatement(STATEMENTS[i], new String[] {"id"}) : c.prepareStatement(STATEMENTS[i]);
            }
            List<Run> middle = List.of(), ended = List.of();
            long outboxId = -1;
            int n = 0;
            int warmUp = commits / 3;
            for (int k = 0; k < commits + 2; k++) {
                if (k == warmUp) {
                    Arrays.fill(nanos, 0);
                    Arrays.fill(rows, 0);
                }
                List<Run> fresh = new ArrayList<>();
                if (k < commits) {
                    for (int i = 0; i < perCommit; i++) {
                        fresh.add(new Run(chainId(), new String[] {v7(), v7(), v7()}, n++));
                    }
                }
                Timestamp now = Timestamp.from(Instant.now());
                StringBuilder events = new StringBuilder("[");
                // the runs that start: the pipeline, its three tasks (the first queued)
                batch(0, fresh, r -> set(ps[0], r.chainId, "workflow", "PENDING", CANVAS, "{\"n\":" + r.n + "}", null, null, null,
                        "chain3-" + r.n + "-" + UUID.randomUUID(), "kafka", now, null, null, null), ps);
                List<Object[]> tasks = new ArrayList<>();
                for (Run r : fresh) {
                    for (int t = 0; t < 3; t++) {
                        tasks.add(new Object[] {r.taskIds[t], r.chainId, String.valueOf(t), "core.echo", t == 0 ? "QUEUED" : "PENDING", t == 0 ? 1 : 0, 1, now, t == 0 ? now : null, null, null, null, null, null, null});
                    }
                    events.append(String.format(EVENT, r.chainId, r.chainId, r.taskIds[0])).append(',');
                }
                batchRows(2, tasks, ps);
                // the runs in their middle: running, two tasks done, the third queued
                batch(1, middle, r -> set(ps[1], "RUNNING", null, null, null, now, null, r.chainId), ps);
                List<Object[]> updates = new ArrayList<>(), attempts = new ArrayList<>();
                for (Run r : middle) {
                    for (int t = 0; t < 3; t++) {
                        updates.add(t < 2 ? new Object[] {"SUCCESS", 1, 1, now, now, now, null, "{\"input\":{\"n\":" + r.n + "},\"args\":{}}", null, "host/123", r.taskIds[t]}
                                : new Object[] {"QUEUED", 1, 1, now, null, null, null, null, null, null, r.taskIds[t]});
                    }
                    for (int t = 0; t < 2; t++) {
                        attempts.add(new Object[] {r.taskIds[t], 1, "SUCCESS", now, now, null, "host/123"});
                        events.append(String.format(EVENT, r.chainId, r.chainId, r.taskIds[t])).append(',').append(String.format(EVENT, r.chainId, r.chainId, r.taskIds[t])).append(',');
                    }
                }
                batchRows(3, updates, ps);
                batchRows(4, attempts, ps);
                // the runs that end: the pipeline and its last task succeed
                List<Run> ending = ended;
                batch(1, ending, r -> set(ps[1], "SUCCESS", "{\"input\":{\"input\":{\"input\":{\"n\":" + r.n + "},\"args\":{}},\"args\":{}},\"args\":{}}", null, null, now, now, r.chainId), ps);
                List<Object[]> last = new ArrayList<>(), lastAttempts = new ArrayList<>();
                for (Run r : ending) {
                    last.add(new Object[] {"SUCCESS", 1, 1, now, now, now, null, "{\"input\":{\"input\":{\"input\":{\"n\":" + r.n + "},\"args\":{}},\"args\":{}},\"args\":{}}", null, "host/123", r.taskIds[2]});
                    lastAttempts.add(new Object[] {r.taskIds[2], 1, "SUCCESS", now, now, null, "host/123"});
                    events.append(String.format(EVENT, r.chainId, r.chainId, r.taskIds[2])).append(',').append(String.format(EVENT, r.chainId, r.chainId, r.taskIds[2])).append(',');
                }
                batchRows(3, last, ps);
                batchRows(4, lastAttempts, ps);
                long t0 = System.nanoTime();
                if (outboxId >= 0) {
                    ps[6].setLong(1, outboxId);
                    ps[6].executeUpdate();
                }
                nanos[6] += System.nanoTime() - t0;
                rows[6]++;
                t0 = System.nanoTime();
                events.setLength(events.length() - 1);
                ps[5].setString(1, events.append(']').toString());
                ps[5].setTimestamp(2, now);
                ps[5].executeUpdate();
                try (ResultSet keys = ps[5].getGeneratedKeys()) {
                    keys.next();
                    outboxId = keys.getLong(1);
                }
                nanos[5] += System.nanoTime() - t0;
                rows[5]++;
                t0 = System.nanoTime();
                c.commit();
                nanos[7] += System.nanoTime() - t0;
                rows[7]++;
                ended = middle;
                middle = fresh;
            }
        }
        long total = Arrays.stream(nanos).sum();
        long runs = (long) perCommit * (commits - commits / 3);
        for (int i = 0; i < NAMES.length; i++) {
            System.out.printf("%-16s %8d rows %8.1f µs/row %6.1f %%%n", NAMES[i], rows[i], nanos[i] / 1e3 / Math.max(1, rows[i]), 100.0 * nanos[i] / total);
        }
        System.out.printf("per run: %.1f µs; database file %.1f MB%n", total / 1e3 / runs, Files.size(dir.resolve("p.mv.db")) / 1e6);
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    interface Setter { void set(Run r) throws SQLException; }

    static void batch(int statement, List<Run> runs, Setter setter, PreparedStatement[] ps) throws SQLException {
        if (runs.isEmpty()) return;
        long t0 = System.nanoTime();
        for (Run r : runs) {
            setter.set(r);
            ps[statement].addBatch();
        }
        ps[statement].executeBatch();
        nanos[statement] += System.nanoTime() - t0;
        rows[statement] += runs.size();
    }

    static void batchRows(int statement, List<Object[]> values, PreparedStatement[] ps) throws SQLException {
        if (values.isEmpty()) return;
        long t0 = System.nanoTime();
        for (Object[] v : values) {
            set(ps[statement], v);
            ps[statement].addBatch();
        }
        ps[statement].executeBatch();
        nanos[statement] += System.nanoTime() - t0;
        rows[statement] += values.size();
    }

    static void set(PreparedStatement p, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            p.setObject(i + 1, values[i]);
        }
    }

    static void runScript(Connection c, String sql) throws SQLException {
        for (String statement : sql.replaceAll("(?m)^\\s*--.*$", "").split(";")) {
            if (!statement.isBlank()) {
                try (Statement s = c.createStatement()) {
                    s.execute(statement);
                }
            }
        }
    }

    static int version(Path migration) {
        return Integer.parseInt(migration.getFileName().toString().replaceAll("^V(\\d+)__.*", "$1"));
    }

    /** -Dchain-ids=random (version 4, the default) or ordered (the first 32 bits a microsecond clock). */
    static final boolean ORDERED = "ordered".equals(System.getProperty("chain-ids"));
    static long lastMicros;

    static String chainId() {
        if (!ORDERED) return UUID.randomUUID().toString();
        long micros = Math.max(lastMicros + 1, System.currentTimeMillis() * 1000 + System.nanoTime() / 1000 % 1000);
        lastMicros = micros;
        UUID random = UUID.randomUUID();
        return new UUID((micros & 0xFFFF_FFFFL) << 32 | random.getMostSignificantBits() & 0xFFFF_FFFFL, random.getLeastSignificantBits()).toString();
    }

    static String v7() {
        long most = (System.currentTimeMillis() & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | (long) (Math.random() * 0xFFF);
        return new UUID(most, 0x8000_0000_0000_0000L | (long) (Math.random() * Long.MAX_VALUE) & 0x3FFF_FFFF_FFFF_FFFFL).toString();
    }
}

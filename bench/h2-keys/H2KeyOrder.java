// What time-ordered ids save H2 (see docs/performance.md): a commit of 6 chain3 runs (18 task rows
// inserted, 18 updated, 18 attempts) with random (v4) or time-ordered (v7) ids, after 3,000 warm-up commits.
// java -cp ~/.m2/repository/com/h2database/h2/2.4.240/h2-2.4.240.jar bench/h2-keys/H2KeyOrder.java v4|v7|mixed 3000
import java.sql.*;
import java.util.*;
import java.nio.ByteBuffer;
import java.security.SecureRandom;

public class H2KeyOrder {
    static SecureRandom R = new SecureRandom();
    static String v7() { byte[] b = new byte[10]; R.nextBytes(b); ByteBuffer bb = ByteBuffer.wrap(b);
        long a = bb.getShort() & 0xFFF, c = bb.getLong() & 0x3FFFFFFFFFFFFFFFL;
        return new UUID((System.currentTimeMillis() & 0xFFFFFFFFFFFFL) << 16 | 0x7000 | a, 0x8000000000000000L | c).toString(); }
    public static void main(String[] args) throws Exception {
        // v4: chain and task ids random; v7: both time-ordered; mixed: chain ids random, task ids time-ordered (what the engine does)
        boolean ordered = args[0].equals("v7");
        boolean orderedTasks = ordered || args[0].equals("mixed");
        String dir = System.getProperty("java.io.tmpdir") + "/h2-key-order-" + args[0] + "-" + System.nanoTime();
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir + "/p;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;CACHE_SIZE=65536;WRITE_DELAY=0")) {
            c.createStatement().execute("CREATE TABLE task (task_id VARCHAR(36) PRIMARY KEY, chain_id VARCHAR(36) NOT NULL, node VARCHAR(200) NOT NULL, state VARCHAR(16), created_at TIMESTAMP WITH TIME ZONE, result VARCHAR, CONSTRAINT u UNIQUE (chain_id, node))");
            c.createStatement().execute("CREATE TABLE attempt (task_id VARCHAR(36), attempt INT, outcome VARCHAR(16), CONSTRAINT pk PRIMARY KEY (task_id, attempt))");
            c.setAutoCommit(false);
            // warm: 200k rows already there (a day's history), then 2,000 commits of 6 chains x 3 tasks
            int chainsPerCommit = 6, commits = Integer.parseInt(args[1]);
            long t0 = 0;
            List<String[]> previous = new ArrayList<>();
            for (int k = 0; k < commits + 3000; k++) {
                if (k == 3000) t0 = System.nanoTime();
                try (PreparedStatement ins = c.prepareStatement("INSERT INTO task VALUES (?,?,?,?,CURRENT_TIMESTAMP,?)");
                     PreparedStatement upd = c.prepareStatement("UPDATE task SET state='SUCCESS', result='{\"x\":1}' WHERE task_id=?");
                     PreparedStatement att = c.prepareStatement("INSERT INTO attempt VALUES (?,1,'SUCCESS')")) {
                    List<String[]> now = new ArrayList<>();
                    for (int i = 0; i < chainsPerCommit; i++) {
                        String chain = ordered ? v7() : UUID.randomUUID().toString();
                        for (int n = 0; n < 3; n++) {
                            String task = orderedTasks ? v7() : UUID.randomUUID().toString();
                            ins.setString(1, task); ins.setString(2, chain); ins.setString(3, String.valueOf(n)); ins.setString(4, "PENDING"); ins.setString(5, null); ins.addBatch();
                            now.add(new String[]{task});
                        }
                    }
                    ins.executeBatch();
                    for (String[] p : previous) { upd.setString(1, p[0]); upd.addBatch(); att.setString(1, p[0]); att.addBatch(); }
                    upd.executeBatch(); att.executeBatch();
                    c.commit();
                    previous = now;
                }
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("%s: %d commits in %d ms = %.3f ms per commit%n", args[0], commits, ms, (double) ms / commits);
        }
        try (var files = java.nio.file.Files.walk(java.nio.file.Path.of(dir))) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}

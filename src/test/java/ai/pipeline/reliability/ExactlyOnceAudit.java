package ai.pipeline.reliability;

import ai.pipeline.testsupport.TopicLog;
import ai.pipeline.orchestration.engine.Topics;
import ai.pipeline.reliability.MixedLoad.Shape;
import ai.pipeline.testsupport.AppProcess;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The exactly-once rules, checked after a run against what the database recorded and what the
 * topics carried:
 * <ul>
 * <li>every request started exactly one pipeline, which ended in the status its shape expects, with the expected result;</li>
 * <li>no pipeline is left PENDING or RUNNING, no join is left open, the outbox is empty;</li>
 * <li>every task has at most one successful attempt, and a succeeded task exactly one;</li>
 * <li>every chord body succeeded once;</li>
 * <li>the events topic agrees with the database: each successful attempt was announced, no success
 * was announced that the database does not hold, each pipeline's final event is its recorded status.</li>
 * </ul>
 * Re-deliveries (a task run again because its offset commit died with the process) are counted,
 * not forbidden: their results are applied once, which is the promise.
 */
final class ExactlyOnceAudit {

    private static final Set<String> TERMINAL = Set.of("SUCCESS", "FAILURE", "CANCELLED");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    final List<String> violations = new ArrayList<>();
    int pipelines;
    int tasks;
    int attempts;
    int chordBodies;
    int redeliveredRuns;
    int duplicateEvents;

    private ExactlyOnceAudit() {
    }

    /**
     * @param expected the shape of the pipeline each request id started
     * @param events   the records of {@code ai.pipeline.events}
     * @param reports  the records of {@code ai.task-results} (one FINISHED report per run of a task attempt)
     */
    static ExactlyOnceAudit check(Connection db, Map<String, Shape> expected, List<JsonNode> events, List<JsonNode> reports)
            throws SQLException {
        ExactlyOnceAudit audit = new ExactlyOnceAudit();
        audit.checkDatabase(db, expected);
        audit.checkEvents(db, events);
        audit.countRuns(reports);
        return audit;
    }

    /**
     * The audit of one application on its embedded broker and H2: reads the topics while it runs, then
     * stops it, because H2's file opens in one process at a time.
     */
    static ExactlyOnceAudit ofSingleApp(AppProcess app, Path dataDir, Map<String, Shape> expected) throws SQLException {
        String bootstrap = app.kafkaBootstrapServers();
        List<JsonNode> events = TopicLog.readAll(bootstrap, Topics.EVENTS);
        List<JsonNode> reports = TopicLog.readAll(bootstrap, Topics.RESULTS);
        app.stop();
        try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + dataDir.resolve("db/pipeline").toAbsolutePath()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "")) {
            return check(db, expected, events, reports);
        }
    }

    @Override
    public String toString() {
        return "pipelines=%d tasks=%d attempts=%d chord_bodies=%d redelivered_runs=%d duplicate_events=%d violations=%d"
                .formatted(pipelines, tasks, attempts, chordBodies, redeliveredRuns, duplicateEvents, violations.size());
    }

    private void checkDatabase(Connection db, Map<String, Shape> expected) throws SQLException {
        Map<String, String> statusByChain = new HashMap<>();
        Set<String> seenRequests = new HashSet<>();
        try (Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT chain_id, request_id, status, result FROM pipeline_execution")) {
            while (rs.next()) {
                pipelines++;
                String chainId = rs.getString(1);
                String requestId = rs.getString(2);
                String status = rs.getString(3);
                statusByChain.put(chainId, status);
                if (!TERMINAL.contains(status)) {
                    violation(chainId, "left in " + status);
                }
                Shape shape = expected.get(requestId);
                if (shape == null) {
                    continue;
                }
                seenRequests.add(requestId);
                if (!shape.expectedStatus().equals(status)) {
                    violation(chainId, shape.name() + " ended " + status + ", expected " + shape.expectedStatus());
                } else if ("SUCCESS".equals(status)) {
                    try {
                        shape.resultCheck().accept(JSON.readTree(rs.getString(4)));
                    } catch (AssertionError | RuntimeException e) {
                        violation(chainId, shape.name() + " result wrong: " + e.getMessage());
                    }
                }
            }
        }
        expected.keySet().stream().filter(id -> !seenRequests.contains(id))
                .forEach(id -> violation(id, "request accepted (202) but no pipeline recorded"));

        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT t.chain_id, t.node, t.state,
                       (SELECT COUNT(*) FROM task_attempt a WHERE a.task_id = t.task_id) AS attempts,
                       (SELECT COUNT(*) FROM task_attempt a WHERE a.task_id = t.task_id AND a.outcome = 'SUCCESS') AS successes
                FROM task_execution t""")) {
            while (rs.next()) {
                tasks++;
                String chainId = rs.getString(1);
                String node = rs.getString(2);
                String state = rs.getString(3);
                attempts += rs.getInt(4);
                int successes = rs.getInt(5);
                if (successes > 1) {
                    violation(chainId, "task " + node + " succeeded " + successes + " times");
                }
                if ("SUCCESS".equals(state) && successes != 1) {
                    violation(chainId, "task " + node + " is SUCCESS with " + successes + " successful attempts");
                }
                if ("SUCCESS".equals(statusByChain.get(chainId)) && !"SUCCESS".equals(state) && !isSettledMember(db, chainId, node)) {
                    violation(chainId, "pipeline SUCCESS but task " + node + " is " + state);
                }
                if (node.endsWith("body")) {
                    chordBodies++;
                    if ("SUCCESS".equals(statusByChain.get(chainId)) && successes != 1) {
                        violation(chainId, "chord body " + node + " succeeded " + successes + " times");
                    }
                }
            }
        }
        expectZero(db, "SELECT COUNT(*) FROM kafka_outbox", "outbox rows left unpublished");
        expectZero(db, "SELECT COUNT(*) FROM chain_join WHERE status = 'OPEN'", "joins left open");
    }

    /** A member of an all_settled chord may fail while its pipeline succeeds. */
    private static boolean isSettledMember(Connection db, String chainId, String node) throws SQLException {
        try (var st = db.prepareStatement("SELECT COUNT(*) FROM chain_join WHERE chain_id = ? AND policy = 'all_settled' AND ? LIKE node || '.%'")) {
            st.setString(1, chainId);
            st.setString(2, node);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0;
            }
        }
    }

    private void checkEvents(Connection db, List<JsonNode> events) throws SQLException {
        Set<String> announcedSuccesses = new HashSet<>();
        Map<String, Set<String>> finalStatuses = new HashMap<>();
        Set<String> distinct = new HashSet<>();
        for (JsonNode event : events) {
            String chainId = event.path("chain_id").asString();
            String status = event.path("status").asString();
            String identity = event.path("kind").asString() + "|" + chainId + "|" + event.path("node")
                    + "|" + event.path("attempt") + "|" + status;
            if (!distinct.add(identity)) {
                duplicateEvents++;
            }
            if ("task".equals(event.path("kind").asString()) && "SUCCESS".equals(status)) {
                announcedSuccesses.add(event.path("task_id").asString() + "#" + event.path("attempt").asInt());
            }
            if ("pipeline".equals(event.path("kind").asString()) && TERMINAL.contains(status)) {
                finalStatuses.computeIfAbsent(chainId, k -> new HashSet<>()).add(status);
            }
        }
        Set<String> recordedSuccesses = new HashSet<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT a.task_id, a.attempt, t.chain_id, t.node FROM task_attempt a
                JOIN task_execution t ON t.task_id = a.task_id WHERE a.outcome = 'SUCCESS'""")) {
            while (rs.next()) {
                String key = rs.getString(1) + "#" + rs.getInt(2);
                recordedSuccesses.add(key);
                if (!announcedSuccesses.contains(key)) {
                    violation(rs.getString(3), "success of " + rs.getString(4) + " recorded but never announced on the events topic");
                }
            }
        }
        announcedSuccesses.stream().filter(key -> !recordedSuccesses.contains(key))
                .forEach(key -> violation(key, "success announced on the events topic but not recorded"));
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT chain_id, status FROM pipeline_execution")) {
            while (rs.next()) {
                Set<String> announced = finalStatuses.getOrDefault(rs.getString(1), Set.of());
                if (!announced.equals(Set.of(rs.getString(2)))) {
                    violation(rs.getString(1), "recorded " + rs.getString(2) + " but the events topic announced " + announced);
                }
            }
        }
    }

    private void countRuns(List<JsonNode> reports) {
        Map<String, Integer> runs = new HashMap<>();
        for (JsonNode report : reports) {
            if ("FINISHED".equals(report.path("type").asString())) {
                runs.merge(report.path("task_id").asString() + "#" + report.path("attempt").asInt(), 1, Integer::sum);
            }
        }
        redeliveredRuns = runs.values().stream().mapToInt(n -> n - 1).sum();
    }

    private void expectZero(Connection db, String sql, String what) throws SQLException {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            if (rs.getInt(1) != 0) {
                violation("-", rs.getInt(1) + " " + what);
            }
        }
    }

    private void violation(String chainId, String what) {
        violations.add(chainId + ": " + what);
    }
}

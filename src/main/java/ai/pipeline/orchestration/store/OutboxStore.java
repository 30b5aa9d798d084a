package ai.pipeline.orchestration.store;

import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code kafka_outbox} table: the messages a group commit stores beside its records, to publish
 * once it is committed (one row per commit). The commit adds its row and deletes the rows Kafka
 * took since the last one; the outbox relay sends again what is still there after a while.
 */
@Repository
public class OutboxStore {

    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    public OutboxStore(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Stores one transaction's messages as one outbox row; null when there are none. */
    public OutboxBatch add(List<OutboxMessage> messages) {
        if (messages.isEmpty()) {
            return null;
        }
        KeyHolder key = new GeneratedKeyHolder();
        String encoded = json.writeValueAsString(messages);
        jdbc.update(connection -> {
            PreparedStatement ps = connection.prepareStatement(
                    "INSERT INTO kafka_outbox (messages, created_at) VALUES (?, ?)", new String[] {"id"});
            ps.setString(1, encoded);
            ps.setObject(2, OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC));
            return ps;
        }, key);
        return new OutboxBatch(key.getKey().longValue(), messages);
    }

    /** Deletes the rows whose messages Kafka acknowledged. */
    public void remove(List<Long> ids) {
        for (int from = 0; from < ids.size(); from += ExecutionStore.IN_LIMIT) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + ExecutionStore.IN_LIMIT));
            jdbc.update("DELETE FROM kafka_outbox WHERE id IN (" + ExecutionStore.placeholders(chunk.size()) + ")", chunk.toArray());
        }
    }

    /** Batches older than {@code before} that are still waiting: their publisher failed or crashed. */
    public List<OutboxBatch> pending(Instant before, int limit) {
        return jdbc.query("SELECT id, messages FROM kafka_outbox WHERE created_at < ? ORDER BY id LIMIT ?",
                (rs, i) -> new OutboxBatch(rs.getLong(1), List.of(json.readValue(rs.getString(2), OutboxMessage[].class))),
                OffsetDateTime.ofInstant(before, ZoneOffset.UTC), limit);
    }
}

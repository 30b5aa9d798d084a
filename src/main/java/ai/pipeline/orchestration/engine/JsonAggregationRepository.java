package ai.pipeline.orchestration.engine;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.OptimisticLockingAggregationRepository;
import org.apache.camel.support.DefaultExchange;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The join aggregator's durable state in the {@code chord_aggregation} table, as JSON — never as
 * serialised Java objects (the deserialisation CVEs of Camel's JDBC repository stay out). A
 * version column gives optimistic locking, so two threads or instances completing the same join
 * cannot both win.
 */
final class JsonAggregationRepository implements OptimisticLockingAggregationRepository {

    private static final String VERSION = "JoinStateVersion";

    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    JsonAggregationRepository(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @Override
    public Exchange add(CamelContext context, String key, Exchange oldExchange, Exchange newExchange) {
        String state = write(newExchange);
        if (oldExchange == null) {
            try {
                jdbc.update("INSERT INTO chord_aggregation (correlation_key, version, state, updated_at) VALUES (?, 1, ?, ?)",
                        key, state, now());
            } catch (DuplicateKeyException e) {
                throw new OptimisticLockingException();
            }
            newExchange.setProperty(VERSION, 1L);
            return null;
        }
        long version = oldExchange.getProperty(VERSION, 0L, Long.class);
        int updated = jdbc.update("UPDATE chord_aggregation SET state = ?, version = ?, updated_at = ? "
                + "WHERE correlation_key = ? AND version = ?", state, version + 1, now(), key, version);
        if (updated == 0) {
            throw new OptimisticLockingException();
        }
        newExchange.setProperty(VERSION, version + 1);
        return oldExchange;
    }

    @Override
    public Exchange add(CamelContext context, String key, Exchange exchange) {
        Exchange old = get(context, key);
        return add(context, key, old, exchange);
    }

    @Override
    public Exchange get(CamelContext context, String key) {
        List<Object[]> rows = jdbc.query("SELECT state, version FROM chord_aggregation WHERE correlation_key = ?",
                (rs, i) -> new Object[] {rs.getString(1), rs.getLong(2)}, key);
        if (rows.isEmpty()) {
            return null;
        }
        Map<?, ?> stored = json.readValue((String) rows.get(0)[0], Map.class);
        Exchange exchange = new DefaultExchange(context);
        exchange.getIn().setBody(json.convertValue(stored.get("state"), JoinState.class));
        exchange.setProperty(Exchange.AGGREGATED_SIZE, ((Number) stored.get("size")).intValue());
        exchange.setProperty(Exchange.AGGREGATED_TIMEOUT, ((Number) stored.get("timeout")).longValue());
        exchange.setProperty(Exchange.AGGREGATED_CORRELATION_KEY, key);
        exchange.setProperty(VERSION, rows.get(0)[1]);
        return exchange;
    }

    @Override
    public void remove(CamelContext context, String key, Exchange exchange) {
        long version = exchange.getProperty(VERSION, 0L, Long.class);
        int removed = jdbc.update("DELETE FROM chord_aggregation WHERE correlation_key = ? AND version = ?", key, version);
        if (removed == 0 && version > 0) {
            throw new OptimisticLockingException();
        }
    }

    @Override
    public void confirm(CamelContext context, String exchangeId) {
        // completions are recovered from the execution records (PipelineEngine.recoverJoins), not from here
    }

    @Override
    public Set<String> getKeys() {
        return new TreeSet<>(jdbc.queryForList("SELECT correlation_key FROM chord_aggregation", String.class));
    }

    private String write(Exchange exchange) {
        Map<String, Object> stored = new LinkedHashMap<>();
        stored.put("state", exchange.getIn().getBody(JoinState.class));
        stored.put("size", exchange.getProperty(Exchange.AGGREGATED_SIZE, 1, Integer.class));
        stored.put("timeout", exchange.getProperty(Exchange.AGGREGATED_TIMEOUT, 0L, Long.class));
        return json.writeValueAsString(stored);
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}

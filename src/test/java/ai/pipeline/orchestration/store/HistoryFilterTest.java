package ai.pipeline.orchestration.store;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.testsupport.MemoryH2;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A history page is read from an index in its order, whatever the search fixes: H2 stops at the page
 * instead of reading and sorting every run that matches (the schema is the application's migrations).
 */
class HistoryFilterTest {

    private static final JdbcTemplate jdbc = new JdbcTemplate(migrated());

    @BeforeAll
    static void someHistory() {
        jdbc.update("INSERT INTO pipeline_execution (chain_id, pipeline, status, canvas, source, created_at) "
                + "SELECT RANDOM_UUID(), CASE WHEN MOD(\"X\", 4) = 0 THEN 'document' ELSE 'workflow' END, "
                + "CASE WHEN MOD(\"X\", 3) = 0 THEN 'FAILURE' ELSE 'SUCCESS' END, '{}', 'api', "
                + "TIMESTAMP WITH TIME ZONE '2026-12-01 00:00:00+00' + \"X\" * INTERVAL '1' SECOND FROM SYSTEM_RANGE(1, 3000)");
        jdbc.execute("ANALYZE");
    }

    @Test
    void aPageOfOneStatusOrOnePipelineOrOfEverythingIsReadInIndexOrder() {
        for (HistoryFilter filter : List.of(search(null, Set.of()), search(null, Set.of(PipelineStatus.SUCCESS)),
                search("document", Set.of()), search("document", Set.of(PipelineStatus.FAILURE)))) {
            assertThat(plan(filter)).as(filter.toString()).contains("index sorted");
        }
    }

    @Test
    void theOrderIsNewestFirstWithTheChainIdBreakingTies() {
        assertThat(search(null, Set.of()).orderBy()).isEqualTo(" ORDER BY created_at DESC, chain_id");
        assertThat(search(null, Set.of(PipelineStatus.SUCCESS, PipelineStatus.FAILURE)).orderBy())
                .as("two statuses: no column is fixed").isEqualTo(" ORDER BY created_at DESC, chain_id");
        assertThat(search(null, Set.of(PipelineStatus.SUCCESS)).orderBy()).isEqualTo(" ORDER BY status, created_at DESC, chain_id");
        assertThat(search("document", Set.of(PipelineStatus.SUCCESS)).orderBy()).isEqualTo(" ORDER BY pipeline, created_at DESC, chain_id");

        List<Object> args = new ArrayList<>();
        HistoryFilter successes = search(null, Set.of(PipelineStatus.SUCCESS));
        List<String> page = jdbc.queryForList("SELECT chain_id FROM pipeline_execution" + successes.where(args) + successes.orderBy()
                + " LIMIT 5", String.class, args.toArray());
        List<String> newest = jdbc.queryForList("SELECT chain_id FROM pipeline_execution WHERE status = 'SUCCESS' "
                + "ORDER BY created_at DESC, chain_id LIMIT 5", String.class);
        assertThat(page).hasSize(5).isEqualTo(newest);
    }

    private static HistoryFilter search(String pipeline, Set<PipelineStatus> statuses) {
        return new HistoryFilter(pipeline, statuses, null, null, null, null, null);
    }

    private static String plan(HistoryFilter filter) {
        List<Object> args = new ArrayList<>();
        String sql = "SELECT * FROM pipeline_execution" + filter.where(args) + filter.orderBy() + " LIMIT 20 OFFSET 0";
        return jdbc.queryForObject("EXPLAIN " + sql, String.class, args.toArray());
    }

    private static DataSource migrated() {
        DataSource h2 = MemoryH2.create("history");
        Flyway.configure().dataSource(h2).load().migrate();
        return h2;
    }
}

package ai.pipeline.orchestration.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.pipeline.testsupport.AppTest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.CamelExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@code orchestration-records} route against the application's real database: it writes inside
 * its caller's transaction and nowhere else, binds nulls and times as the columns expect, and a value
 * the database refuses comes back as the database's own error (what the group commit decides on).
 */
@AppTest
@ExtendWith(OutputCaptureExtension.class)
class ExecutionRecordsIT {

    private static final String PIPELINE = "execution-records-it";

    @Autowired
    ExecutionRecords records;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    JdbcTemplate jdbc;

    @AfterEach
    void removeTheRowsWritten() {
        jdbc.update("DELETE FROM pipeline_execution WHERE pipeline = ?", PIPELINE);
    }

    @Test
    void recordsAreWrittenWithTheCallersTransactionAndRolledBackWithIt() {
        PipelineRow rolledBack = pipeline();
        transactions.executeWithoutResult(status -> {
            records.save(newPipelines(rolledBack));
            assertThat(count(rolledBack)).as("visible inside the transaction").isEqualTo(1);
            status.setRollbackOnly();
        });
        assertThat(count(rolledBack)).as("after the rollback").isZero();

        PipelineRow stored = pipeline();
        transactions.executeWithoutResult(status -> records.save(newPipelines(stored)));
        Map<String, Object> row = jdbc.queryForMap("SELECT * FROM pipeline_execution WHERE chain_id = ?", stored.chainId);
        assertThat(row.get("status")).isEqualTo("SUCCESS");
        assertThat(row.get("canvas")).isEqualTo(stored.canvas);
        assertThat(jdbc.queryForObject("SELECT created_at FROM pipeline_execution WHERE chain_id = ?", OffsetDateTime.class,
                stored.chainId).toInstant()).isEqualTo(stored.createdAt);
        assertThat(row).containsEntry("result", null).containsEntry("error", null).containsEntry("request_id", null)
                .containsEntry("started_at", null).containsEntry("rerun_of", null);

        stored.status = PipelineStatus.FAILURE;
        stored.error = "boom";
        ChangeSet update = new ChangeSet();
        update.changedPipelines.add(stored);
        transactions.executeWithoutResult(status -> records.save(update));
        assertThat(jdbc.queryForMap("SELECT status, error FROM pipeline_execution WHERE chain_id = ?", stored.chainId))
                .containsEntry("status", "FAILURE").containsEntry("error", "boom");
    }

    @Test
    void outsideATransactionNothingIsWritten() {
        PipelineRow row = pipeline();
        assertThatThrownBy(() -> records.save(newPipelines(row))).isInstanceOf(IllegalTransactionStateException.class);
        assertThat(count(row)).isZero();
    }

    @Test
    void aRowTheDatabaseRefusesFailsWithTheDatabasesErrorAtOnceAndTheTransactionWritesNothing(CapturedOutput output) {
        PipelineRow first = pipeline();
        PipelineRow again = pipeline(first.chainId);
        ChangeSet changes = new ChangeSet();
        changes.newPipelines.addAll(List.of(first, again));
        int logged = output.getAll().length();
        assertThatThrownBy(() -> transactions.executeWithoutResult(status -> records.save(changes)))
                .isInstanceOf(DataIntegrityViolationException.class).isNotInstanceOf(CamelExecutionException.class);
        assertThat(count(first)).isZero();
        // the group commit decides and logs; the route neither redelivers nor logs the failure itself
        assertThat(output.getAll().substring(logged))
                .doesNotContain("Failed delivery", "Exhausted after delivery attempt", "Transaction rollback", "On delivery attempt");
    }

    private static PipelineRow pipeline() {
        return pipeline(UUID.randomUUID().toString());
    }

    private static PipelineRow pipeline(String chainId) {
        return new PipelineRow(chainId, PIPELINE, "{\"task\": \"core.echo\"}", "{}", null, "test",
                Instant.now().truncatedTo(ChronoUnit.MICROS), PipelineStatus.SUCCESS);
    }

    private static ChangeSet newPipelines(PipelineRow row) {
        ChangeSet changes = new ChangeSet();
        changes.newPipelines.add(row);
        return changes;
    }

    private int count(PipelineRow row) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM pipeline_execution WHERE chain_id = ?", Integer.class, row.chainId);
    }
}

package ai.pipeline.orchestration.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.shared.task.TaskFailure;
import org.apache.camel.RuntimeCamelException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

/** How the engine classifies a failure, wherever in the cause chain (Camel wraps what the database or Kafka said). */
class EngineErrorHandlingTest {

    private static RuntimeException wrapped(Throwable cause) {
        return new RuntimeCamelException(new IllegalStateException("commit failed", cause));
    }

    @Test
    void aDatabaseThatCannotBeReachedIsAwayAndRetried() {
        RuntimeException noConnection = wrapped(new CannotGetJdbcConnectionException("pool exhausted"));
        RuntimeException noTransaction = wrapped(new CannotCreateTransactionException("no connection"));
        assertThat(EngineErrorHandling.isDatabaseAway(noConnection)).isTrue();
        assertThat(EngineErrorHandling.isDatabaseAway(noTransaction)).isTrue();
        assertThat(EngineErrorHandling.isRetried(noConnection)).isTrue();
    }

    @Test
    void aValueTheDatabaseRefusesIsNeitherAwayNorRetried() {
        RuntimeException refused = wrapped(new DataIntegrityViolationException("duplicate key"));
        assertThat(EngineErrorHandling.isDatabaseAway(refused)).isFalse();
        assertThat(EngineErrorHandling.isRetried(refused)).isFalse();
    }

    @Test
    void kafkaAwayAndARetryableTaskFailureAreRetriedButAreNotTheDatabase() {
        RuntimeException kafka = wrapped(new TimeoutException("broker away"));
        assertThat(EngineErrorHandling.isRetried(kafka)).isTrue();
        assertThat(EngineErrorHandling.isDatabaseAway(kafka)).isFalse();
        assertThat(EngineErrorHandling.isRetried(wrapped(TaskFailure.unavailable("busy")))).isTrue();
        assertThat(EngineErrorHandling.isRetried(wrapped(TaskFailure.invalidInput("bad")))).isFalse();
        assertThat(EngineErrorHandling.isRetried(new IllegalArgumentException("a defect"))).isFalse();
    }
}

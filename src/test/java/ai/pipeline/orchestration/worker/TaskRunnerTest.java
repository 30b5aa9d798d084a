package ai.pipeline.orchestration.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.orchestration.engine.EngineSettings;
import ai.pipeline.orchestration.engine.Messages.TaskEvent;
import ai.pipeline.orchestration.engine.Messages.TaskMessage;
import ai.pipeline.orchestration.engine.TaskRegistry;
import ai.pipeline.platform.KafkaTopics;
import ai.pipeline.shared.task.TaskArguments;
import ai.pipeline.shared.task.TaskDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class TaskRunnerTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aResultLargerThanKafkaTakesFailsTheTaskSayingWhyInsteadOfLeavingItStarted() {
        TaskDefinition grows = TaskDefinition.of("test.grows", "returns more than a Kafka record holds", TaskArguments.none(),
                (context, args) -> "x".repeat(KafkaTopics.MAX_PAYLOAD_BYTES + 1));
        EngineSettings settings = new EngineSettings(true, 1, List.of("*"), Map.of(), Duration.ofHours(1), Duration.ofHours(1), 10, 100, Duration.ofMillis(5));
        TaskRunner runner = new TaskRunner(new TaskRegistry(List.of(grows)), new Revocations(), json, null, settings);
        try {
            Exchange exchange = new DefaultExchange(new DefaultCamelContext());
            exchange.getIn().setBody(json.writeValueAsString(new TaskMessage("chain-1", "task-1", "0", "test.grows", 1,
                    Map.of(), null, Instant.now())));

            runner.run(exchange);

            String report = exchange.getIn().getBody(String.class);
            assertThat(KafkaTopics.fits(report)).isTrue();
            TaskEvent event = json.readValue(report, TaskEvent.class);
            assertThat(event.outcome()).isEqualTo(TaskEvent.Outcome.FAILURE);
            assertThat(event.error().retryable()).isFalse();
            assertThat(event.error().reason()).isEqualTo("too_large");
            assertThat(event.error().message()).contains("the result of test.grows is").contains("bytes of JSON");
        } finally {
            runner.destroy();
        }
    }
}

package ai.pipeline.orchestration.worker;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.orchestration.canvas.Canvas;
import ai.pipeline.orchestration.engine.ClaimChecks;
import ai.pipeline.orchestration.engine.EngineSettings;
import ai.pipeline.orchestration.engine.Messages.TaskEvent;
import ai.pipeline.orchestration.engine.Messages.TaskMessage;
import ai.pipeline.orchestration.engine.TaskRegistry;
import ai.pipeline.platform.KafkaTopics;
import ai.pipeline.platform.tracing.RecordedSpans;
import ai.pipeline.platform.tracing.RunTraceContext;
import ai.pipeline.platform.tracing.Tracing;
import ai.pipeline.shared.storage.Storage;
import ai.pipeline.shared.task.TaskArguments;
import ai.pipeline.shared.task.TaskDefinition;
import ai.pipeline.shared.task.TaskFailure;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

class TaskRunnerTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @TempDir
    Path storageRoot;

    @Test
    void aResultOverTheClaimCheckSizeTravelsAsAReferenceToStorageAndTheNextTaskGetsItBack() {
        String large = "y".repeat(5_000);
        TaskDefinition grows = TaskDefinition.of("test.grows", "returns 5,000 characters", TaskArguments.none(), (context, args) -> large);
        TaskDefinition measures = TaskDefinition.of("test.measures", "the length of its input", TaskArguments.none(),
                (context, args) -> ((String) context.input()).length());
        TaskRunner runner = runner(new TaskRegistry(List.of(grows, measures)), new Revocations(), Tracing.off(), 1_000, 1_000_000);
        try {
            TaskEvent first = report(runner, new TaskMessage("chain-1", "task-1", "0", "test.grows", 2, Map.of(), null, Instant.now()));

            assertThat(first.outcome()).isEqualTo(TaskEvent.Outcome.SUCCESS);
            assertThat(first.result().path("claim_check").asString()).isEqualTo("results/claims/chain-1/task-1-2.json");
            assertThat(first.result().path("bytes").asInt()).isEqualTo(5_002);   // the JSON string, quotes included
            assertThat(storageRoot.resolve("results/claims/chain-1/task-1-2.json")).hasContent("\"" + large + "\"");

            TaskEvent second = report(runner, new TaskMessage("chain-1", "task-2", "1", "test.measures", 1,
                    Map.of(), first.result(), Instant.now()));
            assertThat(second.outcome()).isEqualTo(TaskEvent.Outcome.SUCCESS);
            assertThat(second.result().asInt()).as("the length of the input the task saw, and a small result stays inline")
                    .isEqualTo(5_000);
            assertThat(storageRoot.resolve("results/claims/chain-1")).isDirectoryNotContaining("glob:**task-2*");
        } finally {
            runner.destroy();
        }
    }

    @Test
    void aResultOverTheStorageFileLimitFailsAsTooLargeSayingWhichLimit() {
        TaskDefinition grows = TaskDefinition.of("test.grows", "returns 50,000 characters", TaskArguments.none(),
                (context, args) -> "z".repeat(50_000));
        TaskRunner runner = runner(new TaskRegistry(List.of(grows)), new Revocations(), Tracing.off(), 1_000, 10_000);
        try {
            TaskEvent event = report(runner, new TaskMessage("chain-1", "task-1", "0", "test.grows", 1, Map.of(), null, Instant.now()));

            assertThat(event.outcome()).isEqualTo(TaskEvent.Outcome.FAILURE);
            assertThat(event.error().reason()).isEqualTo("too_large");
            assertThat(event.error().retryable()).isFalse();
            assertThat(event.error().message()).isEqualTo("the result is 50002 bytes of JSON; a task's result may be at most 10000 bytes"
                    + " (app.storage.max-file-size)");
            assertThat(storageRoot.resolve("results")).doesNotExist();
        } finally {
            runner.destroy();
        }
    }

    @Test
    void aResultLargerThanKafkaTakesFailsTheTaskSayingWhyInsteadOfLeavingItStarted() {
        TaskDefinition grows = TaskDefinition.of("test.grows", "returns more than a Kafka record holds", TaskArguments.none(),
                (context, args) -> "x".repeat(KafkaTopics.MAX_PAYLOAD_BYTES + 1));
        // a claim check set above what Kafka takes: the report itself is too large
        TaskRunner runner = runner(new TaskRegistry(List.of(grows)), new Revocations(), Tracing.off(), Long.MAX_VALUE, Long.MAX_VALUE);
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

    @Test
    void aTaskPastItsHardTimeLimitIsAbandonedAndFailsAsTimeLimitRetryably() {
        TaskDefinition stuck = TaskDefinition.of("test.stuck", "never checks anything", TaskArguments.none(), (context, args) -> {
            Thread.sleep(60_000);
            return "late";
        });
        TaskRunner runner = runner(stuck, new Revocations());
        try {
            long begin = System.nanoTime();
            TaskEvent event = runner.execute(new TaskMessage("chain-1", "task-1", "0", "test.stuck", 1, Map.of(), null,
                    Instant.now(), new Canvas.TimeLimit(null, 300L), null));

            assertThat((System.nanoTime() - begin) / 1_000_000).as("ms until the worker moved on").isLessThan(10_000);
            assertThat(event.outcome()).isEqualTo(TaskEvent.Outcome.FAILURE);
            assertThat(event.error().reason()).isEqualTo("time_limit");
            assertThat(event.error().retryable()).isTrue();
            assertThat(event.error().message()).isEqualTo("time limit of 0.3 s reached: test.stuck was abandoned");
        } finally {
            runner.destroy();
        }
    }

    @Test
    void aTaskPastItsSoftTimeLimitIsAskedToStopAndFailsAsTimeLimit() {
        TaskDefinition polite = TaskDefinition.of("test.polite", "checks for cancellation", TaskArguments.none(), (context, args) -> {
            while (true) {
                context.cancellation().throwIfCancelled();
                Thread.sleep(10);
            }
        });
        TaskRunner runner = runner(polite, new Revocations());
        try {
            TaskEvent event = runner.execute(new TaskMessage("chain-1", "task-1", "0", "test.polite", 1, Map.of(), null,
                    Instant.now(), new Canvas.TimeLimit(200L, null), null));

            assertThat(event.error().reason()).isEqualTo("time_limit");
            assertThat(event.error().message()).isEqualTo("soft time limit of 0.2 s reached: test.polite stopped when asked");
        } finally {
            runner.destroy();
        }
    }

    @Test
    void aTaskTypesDefaultLimitAppliesUnlessTheStepGivesItsOwn() {
        EngineSettings settings = new EngineSettings(true, 1, List.of("*"), Map.of(), Map.of(), Duration.ofHours(1), Duration.ofHours(1), 10, 100,
                Duration.ofMillis(5), Map.of("ocr", new EngineSettings.TimeLimits(Duration.ofMinutes(9), Duration.ofMinutes(10)),
                "default", new EngineSettings.TimeLimits(null, Duration.ofMinutes(20))), null, Duration.ofSeconds(30), DataSize.ofMegabytes(1), true, Duration.ZERO);

        assertThat(settings.timeLimit("ocr.extract_text", "ocr", null)).isEqualTo(new Canvas.TimeLimit(540_000L, 600_000L));
        assertThat(settings.timeLimit("ocr.extract_text", "ocr", new Canvas.TimeLimit(null, 5_000L)))
                .isEqualTo(new Canvas.TimeLimit(540_000L, 5_000L));
        assertThat(settings.timeLimit("core.echo", "core", null)).isEqualTo(new Canvas.TimeLimit(null, 1_200_000L));
    }

    @Test
    void withTracingAnAttemptIsASpanUnderItsTaskMessagesTraceparentWithItsOutcomeAndError() {
        TaskDefinition refuses = TaskDefinition.of("test.refuses", "refuses its input", TaskArguments.none(), (context, args) -> {
            throw TaskFailure.invalidInput("no pages in this document");
        });
        RecordedSpans recorded = new RecordedSpans();
        TaskRunner runner = runner(refuses, new Revocations(), recorded.tracing());
        String chainId = UUID.randomUUID().toString();
        try {
            Exchange exchange = new DefaultExchange(new DefaultCamelContext());
            exchange.getIn().setBody(json.writeValueAsString(new TaskMessage(chainId, "task-1", "1.h0", "test.refuses", 2,
                    Map.of(), null, Instant.now())));
            exchange.getIn().setHeader(RunTraceContext.TRACEPARENT, RunTraceContext.traceparent(chainId).getBytes(StandardCharsets.US_ASCII));

            runner.run(exchange);

            assertThat(recorded.spans()).hasSize(1);
            SpanData span = recorded.spans().get(0);
            assertThat(span.getName()).isEqualTo("task test.refuses");
            assertThat(span.getTraceId()).isEqualTo(RunTraceContext.root(chainId).getTraceId());
            assertThat(span.getParentSpanId()).isEqualTo(RunTraceContext.root(chainId).getSpanId());
            assertThat(span.getAttributes().asMap()).extractingFromEntries(e -> e.getKey().getKey() + "=" + e.getValue())
                    .contains("ai.pipeline.chain_id=" + chainId, "ai.task.name=test.refuses", "ai.task.node=1.h0",
                            "ai.task.id=task-1", "ai.task.attempt=2", "ai.task.outcome=FAILURE", "ai.task.error.reason=invalid_input")
                    .anyMatch(attribute -> attribute.toString().startsWith("ai.task.worker="));
            assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(span.getStatus().getDescription()).isEqualTo("no pages in this document");
        } finally {
            runner.destroy();
        }
    }

    /** The report the worker route sends for this task message. */
    private TaskEvent report(TaskRunner runner, TaskMessage message) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setBody(json.writeValueAsString(message));
        runner.run(exchange);
        return json.readValue(exchange.getIn().getBody(String.class), TaskEvent.class);
    }

    private TaskRunner runner(TaskDefinition task, Revocations revocations) {
        return runner(task, revocations, Tracing.off());
    }

    private TaskRunner runner(TaskDefinition task, Revocations revocations, Tracing tracing) {
        return runner(new TaskRegistry(List.of(task)), revocations, tracing, 1_000_000, 100_000_000);
    }

    private TaskRunner runner(TaskRegistry registry, Revocations revocations, Tracing tracing, long claimCheckAbove, long maxFileBytes) {
        EngineSettings settings = new EngineSettings(true, 1, List.of("*"), Map.of(), Map.of(), Duration.ofHours(1), Duration.ofHours(1), 10, 100,
                Duration.ofMillis(5), Map.of(), null, Duration.ofSeconds(30), DataSize.ofBytes(claimCheckAbove), true, Duration.ZERO);
        ClaimChecks claims = new ClaimChecks(new Storage(storageRoot, maxFileBytes), json, claimCheckAbove);
        return new TaskRunner(registry, revocations, json, null, settings, tracing, claims, new TaskSlots(settings::concurrency, Duration.ZERO, null));
    }
}

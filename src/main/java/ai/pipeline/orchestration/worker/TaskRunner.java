package ai.pipeline.orchestration.worker;

import ai.pipeline.orchestration.canvas.Canvas;
import ai.pipeline.orchestration.engine.ClaimChecks;
import ai.pipeline.orchestration.engine.EngineSettings;
import ai.pipeline.orchestration.engine.Messages.ErrorInfo;
import ai.pipeline.orchestration.engine.Messages.TaskEvent;
import ai.pipeline.orchestration.engine.Messages.TaskMessage;
import ai.pipeline.orchestration.engine.TaskRegistry;
import ai.pipeline.orchestration.engine.Topics;
import ai.pipeline.platform.HostName;
import ai.pipeline.platform.KafkaTopics;
import ai.pipeline.platform.tracing.RunTraceContext;
import ai.pipeline.platform.tracing.Tracing;
import ai.pipeline.shared.task.CancellationSignal;
import ai.pipeline.shared.task.TaskContext;
import ai.pipeline.shared.task.TaskDefinition;
import ai.pipeline.shared.task.TaskFailure;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs one task message in a worker route: skips it when revoked, runs the domain's handler with a
 * cancellation signal, and turns the outcome into a {@link TaskEvent} for {@code ai.task-results}.
 * A task that runs longer than {@code app.engine.started-report-after} also reports STARTED. With
 * tracing on, each attempt that ran is a span {@code task <name>} under its run's root span (the
 * {@code traceparent} header of its task message).
 */
@Component
public class TaskRunner implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);
    /** Exchange property: the task ran at least {@code app.engine.started-report-after} (its offset is committed on its own). */
    static final String RAN_LONG = "aiPipelineTaskRanLong";
    /** Exchange property: the chain's next step ({@link NextTask}), which this worker sends once its report is in Kafka. */
    static final String NEXT_TASK = "aiPipelineNextTask";

    /** The next chain step's task message (JSON) and its topic. */
    record NextTask(String topic, String message) {
    }
    private static final AttributeKey<String> TASK = AttributeKey.stringKey("ai.task.name");
    private static final AttributeKey<String> NODE = AttributeKey.stringKey("ai.task.node");
    private static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("ai.task.id");
    private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("ai.task.attempt");
    private static final AttributeKey<String> WORKER = AttributeKey.stringKey("ai.task.worker");
    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("ai.task.outcome");
    private static final AttributeKey<String> ERROR_REASON = AttributeKey.stringKey("ai.task.error.reason");

    private final TaskRegistry registry;
    private final Revocations revocations;
    private final JsonMapper json;
    private final ProducerTemplate producer;
    private final long startedReportAfterMs;
    private final EngineSettings settings;
    private final TaskSlots slots;
    private final Tracing tracing;
    private final ClaimChecks claims;
    /** Threads for tasks with a hard time limit, so the worker can stop waiting for one. */
    private final ExecutorService limitedRuns = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "task-within-limit");
        thread.setDaemon(true);
        return thread;
    });
    private final String worker;
    private final ScheduledExecutorService startedReports = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "task-started-reports");
        thread.setDaemon(true);
        return thread;
    });

    public TaskRunner(TaskRegistry registry, Revocations revocations, JsonMapper json, ProducerTemplate producer,
                      EngineSettings settings, Tracing tracing, ClaimChecks claims, TaskSlots slots) {
        this.registry = registry;
        this.claims = claims;
        this.tracing = tracing;
        this.settings = settings;
        this.slots = slots;
        this.revocations = revocations;
        this.json = json;
        this.producer = producer;
        this.startedReportAfterMs = settings.startedReportAfter().toMillis();
        this.worker = HostName.get() + "/" + ManagementFactory.getRuntimeMXBean().getPid();
    }

    /** Body in: a task message (JSON). Body out: its task event (JSON), or null when it must not run. */
    public void run(Exchange exchange) {
        String body = exchange.getIn().getBody(String.class);
        TaskMessage message = json.readValue(body, TaskMessage.class);
        exchange.getIn().setHeader(KafkaConstants.KEY, message.chainId());
        TaskEvent event;
        try (TaskSlots.Slot slot = takeSlot(message)) {
            // checked once it has a slot: it may have been revoked while it waited
            if (revocations.isRevoked(message.chainId(), message.node(), message.attempt())) {
                log.debug("Skipping revoked task {} {}", message.task(), message.node());
                exchange.getIn().setBody(null);
                return;
            }
            event = execute(message, ClaimChecks.mayHoldReference(body));
        }
        if (event.startedAt() != null && event.finishedAt() != null
                && Duration.between(event.startedAt(), event.finishedAt()).toMillis() >= startedReportAfterMs) {
            exchange.setProperty(RAN_LONG, true);
        }
        if (event.outcome() == TaskEvent.Outcome.SUCCESS && message.then() != null) {
            TaskMessage next = message.then().message();
            if (!revocations.isRevoked(next.chainId(), next.node(), next.attempt())) {
                event = event.withSentNext(next.attempt());   // so far: dropped below if the report or the next message cannot go
            }
        }
        String report = json.writeValueAsString(event);
        if (event.result() != null && claims.mayBeOver(report)) {
            // measured only when the report could hold a result over the limit: most are serialised once
            event = withResultCheckedIn(message, event);
            report = json.writeValueAsString(event);
        }
        if (!KafkaTopics.fits(report)) {
            // Kafka would refuse the report and the task would stay STARTED: it fails, saying why
            TaskFailure tooLarge = TaskFailure.tooLarge("the result of " + message.task() + " is "
                    + report.getBytes(StandardCharsets.UTF_8).length + " bytes of JSON; a result may be at most "
                    + KafkaTopics.MAX_PAYLOAD_BYTES + " bytes (keep large outputs in files and return their paths)");
            event = finished(message, event.startedAt(), TaskEvent.Outcome.FAILURE, null,
                    new ErrorInfo(tooLarge.reason().code(), tooLarge.getMessage(), false));
            report = json.writeValueAsString(event);
        }
        if (event.sentNext() != null) {
            String next = json.writeValueAsString(message.next(event.result(), Instant.now()));
            if (KafkaTopics.fits(next)) {
                exchange.setProperty(NEXT_TASK, new NextTask(Topics.forTask(message.then().message().task()), next));
            } else {
                // too large as one record (a result just under the claim-check size, large arguments): the
                // orchestrator dispatches it, keeping its input in storage
                event = event.withSentNext(null);
                report = json.writeValueAsString(event);
            }
        }
        exchange.getIn().setBody(report);
        if (tracing.on()) {
            recordSpan(exchange.getIn().getHeader(RunTraceContext.TRACEPARENT, String.class), message, event);
        }
    }

    private TaskSlots.Slot takeSlot(TaskMessage message) {
        String task = message.task();
        try {
            return slots.take(TaskDefinition.domainOf(task), message);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // its offset is not committed: the task runs after the restart
            throw new IllegalStateException("stopped while " + task + " (" + message.node() + ") waited for a free slot", e);
        }
    }

    /** The event with its result kept in storage when large ({@link ClaimChecks#checkIn}); a failure when it cannot be. */
    private TaskEvent withResultCheckedIn(TaskMessage message, TaskEvent event) {
        try {
            JsonNode result = claims.checkIn(message.chainId(), message.taskId(), message.attempt(), event.result());
            return result == event.result() ? event : event.withResult(result);
        } catch (TaskFailure e) {
            return finished(message, event.startedAt(), TaskEvent.Outcome.FAILURE, null,
                    new ErrorInfo(e.reason().code(), e.getMessage(), e.retryable()));
        }
    }

    private void recordSpan(String traceparent, TaskMessage message, TaskEvent event) {
        Attributes attributes = Attributes.builder().put(TASK, message.task()).put(NODE, message.node())
                .put(TASK_ID, message.taskId()).put(ATTEMPT, message.attempt()).put(WORKER, worker)
                .put(OUTCOME, event.outcome().name())
                .put(ERROR_REASON, event.error() == null ? null : event.error().reason()).build();
        tracing.recordChild(message.chainId(), traceparent, "task " + message.task(), event.startedAt(), event.finishedAt(),
                attributes, event.error() == null ? null : event.error().message());
    }

    TaskEvent execute(TaskMessage message) {
        return execute(message, true);
    }

    /** Runs the task; {@code inputMayHoldReferences}: its input may name results kept in storage (read back first). */
    private TaskEvent execute(TaskMessage message, boolean inputMayHoldReferences) {
        Instant startedAt = Instant.now();
        MDC.put("chain_id", message.chainId());
        MDC.put("task_id", message.taskId());
        ScheduledFuture<?> startedReport = startedReports.schedule(() -> reportStarted(message, startedAt),
                startedReportAfterMs, TimeUnit.MILLISECONDS);
        Context context = null;
        try {
            TaskDefinition definition = registry.find(message.task()).orElseThrow(() ->
                    TaskFailure.invalidInput("this worker does not know task " + message.task()));
            Canvas.TimeLimit limit = settings.timeLimit(definition.name(), definition.domain(), message.timeLimit());
            context = new Context(message, inputMayHoldReferences ? claims.checkOut(message.chainId(), message.input()) : message.input(), limit.softMs());
            Object result = limit.hardMs() == null ? definition.run(context) : runWithin(definition, context, limit.hardMs());
            return finished(message, startedAt, TaskEvent.Outcome.SUCCESS, json.valueToTree(result), null);
        } catch (TaskFailure e) {
            TaskFailure failure = context != null && e.reason() == TaskFailure.Reason.CANCELLED && context.pastSoftLimit()
                    && !revocations.isRevoked(message.chainId(), message.node(), message.attempt())
                    ? new TaskFailure(TaskFailure.Reason.TIME_LIMIT, "soft time limit of " + seconds(context.softLimitMs)
                            + " reached: " + message.task() + " stopped when asked")
                    : e;
            return finished(message, startedAt, TaskEvent.Outcome.FAILURE, null,
                    new ErrorInfo(failure.reason().code(), failure.getMessage(), failure.retryable()));
        } catch (Exception | Error e) {
            if (e instanceof VirtualMachineError vmError && !(e instanceof OutOfMemoryError)) {
                throw vmError;
            }
            log.warn("Task {} ({}) failed: {}", message.task(), message.node(), e.toString());
            String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
            return finished(message, startedAt, TaskEvent.Outcome.FAILURE, null, new ErrorInfo("error", text, true));
        } finally {
            startedReport.cancel(false);
            MDC.remove("chain_id");
            MDC.remove("task_id");
        }
    }

    /**
     * Runs a task with a hard time limit: on a thread of its own, which the worker stops waiting for
     * at the limit (interrupting it; a task deaf to interrupts runs on, and its result is dropped).
     */
    private Object runWithin(TaskDefinition definition, Context context, long hardMs) throws Exception {
        Map<String, String> mdc = MDC.getCopyOfContextMap();
        Future<Object> run = limitedRuns.submit(() -> {
            if (mdc != null) {
                MDC.setContextMap(mdc);
            }
            try {
                return definition.run(context);
            } finally {
                MDC.clear();
            }
        });
        try {
            return run.get(hardMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            run.cancel(true);
            log.warn("Task {} ({}) abandoned at its time limit of {}", definition.name(), context.taskId(), seconds(hardMs));
            throw new TaskFailure(TaskFailure.Reason.TIME_LIMIT, "time limit of " + seconds(hardMs) + " reached: "
                    + definition.name() + " was abandoned");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw (Error) e.getCause();
        } catch (InterruptedException e) {
            run.cancel(true);
            Thread.currentThread().interrupt();
            throw e;
        }
    }

    private static String seconds(long ms) {
        return (ms % 1000 == 0 ? String.valueOf(ms / 1000) : String.valueOf(ms / 1000.0)) + " s";
    }

    private TaskEvent finished(TaskMessage message, Instant startedAt, TaskEvent.Outcome outcome, JsonNode result,
                               ErrorInfo error) {
        return new TaskEvent(TaskEvent.Type.FINISHED, message.chainId(), message.taskId(), message.node(), message.attempt(),
                outcome, result, error, startedAt, Instant.now(), worker);
    }

    private void reportStarted(TaskMessage message, Instant startedAt) {
        TaskEvent event = new TaskEvent(TaskEvent.Type.STARTED, message.chainId(), message.taskId(), message.node(),
                message.attempt(), null, null, null, startedAt, null, worker);
        try {
            producer.sendBodyAndHeader("kafka:" + Topics.RESULTS, json.writeValueAsString(event),
                    KafkaConstants.KEY, message.chainId());
        } catch (RuntimeException e) {
            log.debug("Could not report STARTED for {}: {}", message.taskId(), e.toString());
        }
    }

    private final class Context implements TaskContext {
        private final TaskMessage message;
        private final Object input;
        private final Long softLimitMs;
        private final long softDeadline;

        Context(TaskMessage message, JsonNode input, Long softLimitMs) {
            this.message = message;
            this.input = input == null || input.isNull() ? null : json.treeToValue(input, Object.class);
            this.softLimitMs = softLimitMs;
            this.softDeadline = softLimitMs == null ? Long.MAX_VALUE : System.nanoTime() + softLimitMs * 1_000_000;
        }

        boolean pastSoftLimit() {
            return softLimitMs != null && System.nanoTime() - softDeadline >= 0;
        }

        @Override
        public String chainId() {
            return message.chainId();
        }

        @Override
        public String taskId() {
            return message.taskId();
        }

        @Override
        public int attempt() {
            return message.attempt();
        }

        @Override
        public Map<String, Object> args() {
            return message.args() == null ? Map.of() : message.args();
        }

        @Override
        public Object input() {
            return input;
        }

        @Override
        public CancellationSignal cancellation() {
            // a revoke or the soft time limit: the task stops at its next check either way
            return () -> pastSoftLimit() || revocations.isRevoked(message.chainId(), message.node(), message.attempt());
        }
    }


    @Override
    public void destroy() {
        startedReports.shutdownNow();
        limitedRuns.shutdownNow();
    }
}

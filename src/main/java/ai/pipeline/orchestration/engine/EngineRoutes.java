package ai.pipeline.orchestration.engine;

import ai.pipeline.orchestration.store.OutboxMessage;
import ai.pipeline.orchestration.engine.Messages.FanOut;
import ai.pipeline.orchestration.engine.Messages.TaskEvent;
import ai.pipeline.platform.KafkaBatches;
import ai.pipeline.platform.KafkaBatches.DeferredCommits;
import ai.pipeline.platform.KafkaBatches.PollBatches;
import ai.pipeline.platform.KafkaSettings;
import ai.pipeline.platform.tracing.RunTraceContext;
import ai.pipeline.platform.tracing.Tracing;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.processor.aggregate.MemoryAggregationRepository;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.ExpressionAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The orchestrator's routes (only when {@code app.engine.orchestrator} is true):
 * <ul>
 * <li>{@code orchestration-advance}: worker reports from {@code ai.task-results} → record → advance;</li>
 * <li>{@code orchestration-join}: Camel's Aggregator joins a group's members (completion by member
 *     count or fail-fast predicate, or by the join's deadline; its state is rebuilt from the records after a restart);</li>
 * <li>{@code orchestration-fan-out}: a group's first tasks, multicast to their task topics (in process: no topic of its own);</li>
 * <li>{@code orchestration-retries} and {@code orchestration-overdue-joins}: timers for retry
 *     backoffs and for joins the aggregator did not complete by their deadline;</li>
 * <li>{@code orchestration-metrics}: refreshes the in-flight and consumer-lag gauges.</li>
 * </ul>
 * All but the join are in the lease holder's route group: they start when this instance takes the
 * orchestrator lease ({@link OrchestratorLease}).
 */
@Component
class EngineRoutes extends RouteBuilder {

    private static final Logger log = LoggerFactory.getLogger(EngineRoutes.class);

    static final String JOIN = "direct:orchestration-join";
    static final String FAN_OUT = "direct:orchestration-fan-out";
    static final String JOIN_KEY = "joinKey";
    static final String ERRORS = "engine-errors";

    private final EngineSettings settings;
    private final KafkaSettings kafka;
    private final PipelineEngine engine;
    private final MemoryAggregationRepository joinRepository;
    private final JsonMapper json;
    private final ConsumerLagMetrics consumerLag;
    private final ProducerTemplate producer;
    private final Tracing tracing;

    private final DeferredCommits reportOffsets;
    private final PollBatches reportPolls = new PollBatches();

    EngineRoutes(EngineSettings settings, KafkaSettings kafka, PipelineEngine engine, MemoryAggregationRepository joinRepository,
                 JsonMapper json, ConsumerLagMetrics consumerLag, ProducerTemplate producer, OutboxPublisher publisher,
                 Tracing tracing) {
        this.settings = settings;
        this.tracing = tracing;
        this.producer = producer;
        this.consumerLag = consumerLag;
        this.kafka = kafka;
        this.engine = engine;
        this.joinRepository = joinRepository;
        this.json = json;
        this.reportOffsets = new DeferredCommits(engine::committedSequence);
        if (settings.orchestrator()) {
            publisher.useFanOut(this::sendFanOut);
        }
    }

    @Override
    public void configure() {
        if (!settings.orchestrator()) {
            return;
        }
        // Reports are applied a poll at a time (in memory, by the engine); their offsets are committed once
        // the engine's group commit has stored what they changed.
        from("kafka:" + Topics.RESULTS + "?groupId=orchestrator&consumersCount=" + settings.orchestratorConsumers()
                + KafkaBatches.POLLS + "&autoOffsetReset=earliest")
                .routeId("orchestration-advance").group(OrchestratorLease.SINGLETON).autoStartup(false)
                .routeConfigurationId(ERRORS)
                .process(record -> reportPolls.gather(record, this::advance));

        from(JOIN)
                .routeId("orchestration-join")
                .routeConfigurationId(ERRORS)
                .aggregate(header(JOIN_KEY), new JoinAggregationStrategy())
                    .aggregationRepository(joinRepository)
                    .optimisticLocking()
                    .completionPredicate(JoinAggregationStrategy::isComplete)
                    .completionTimeout(new ExpressionAdapter() {
                        @Override
                        public Object evaluate(Exchange exchange) {
                            return JoinAggregationStrategy.remainingMillis(exchange);
                        }
                    })
                    .completionTimeoutCheckerInterval(100)
                    .process(this::completeJoin)
                .end();

        // Camel's Multicast in its dynamic form (Recipient List): one copy per member, each prepared
        // with that member's task message and sent to that member's task topic. The engine hands a
        // group's fan-out to it in process (sendFanOut): the members' messages are the first Kafka
        // records of the group, and the engine's commit waits until they are all acknowledged. One
        // thread sends them (a send does not wait for Kafka), so they leave in the members' order and
        // the first members tend to take a worker's first free slots, as in Celery's group.
        from(FAN_OUT)
                .routeId("orchestration-fan-out")
                .routeConfigurationId(ERRORS)
                .process(this::readFanOut)
                .recipientList(header("fanOutTopics")).parallelProcessing()
                    .executorService(getContext().getExecutorServiceManager().newSingleThreadExecutor(this, "orchestration-fan-out"))
                    .onPrepare(this::prepareMember)
                .end();

        from("timer:orchestration-retries?period=100")
                .routeId("orchestration-retries").group(OrchestratorLease.SINGLETON).autoStartup(false)
                .routeConfigurationId(ERRORS)
                .process(exchange -> engine.dispatchDueRetries());

        from("timer:orchestration-metrics?period=10000")
                .routeId("orchestration-metrics").group(OrchestratorLease.SINGLETON).autoStartup(false)
                .routeConfigurationId(ERRORS)
                .process(exchange -> {
                    engine.refreshMetrics();
                    consumerLag.refresh();
                });

        from("timer:orchestration-overdue-joins?period=10000&delay=10000")
                .routeId("orchestration-overdue-joins").group(OrchestratorLease.SINGLETON).autoStartup(false)
                .routeConfigurationId(ERRORS)
                .process(exchange -> engine.expireOverdueJoins());
    }

    /** A report that is not one (not JSON, no chain) goes to {@code ai.task-results.dead-letter}; the rest are applied. */
    private void advance(List<Exchange> records) {
        engine.checkCommitting();   // while the database refuses commits, reports wait in Kafka
        reportOffsets.commitDurable();
        List<TaskEvent> events = new ArrayList<>(records.size());
        for (Exchange record : records) {
            String body = record.getIn().getBody(String.class);
            try {
                TaskEvent event = json.readValue(body, TaskEvent.class);
                if (event.chainId() == null || event.node() == null || event.type() == null) {
                    throw new IllegalArgumentException("a report names its chain_id, node and type");
                }
                events.add(event);
            } catch (RuntimeException unreadable) {
                log.warn("Refused a worker report: {}", unreadable.getMessage());
                producer.sendBodyAndHeader("kafka:" + Topics.RESULTS_DEAD_LETTER, body, "error", String.valueOf(unreadable.getMessage()));
            }
        }
        long sequence = events.isEmpty() ? engine.committedSequence() : engine.onTaskEvents(events);
        reportOffsets.add(sequence, records);
    }

    private void completeJoin(Exchange exchange) {
        JoinState state = exchange.getIn().getBody(JoinState.class);
        boolean timedOut = "timeout".equals(exchange.getProperty(Exchange.AGGREGATED_COMPLETED_BY, String.class));
        engine.joinCompleted(state.chainId(), state.node(), timedOut);
    }

    /** Hands a fan-out to the Multicast without waiting; the callbacks say whether every member's message is in Kafka. */
    private void sendFanOut(OutboxMessage fanOut, Runnable onSent, Runnable onRefused) {
        producer.asyncSend(FAN_OUT, exchange -> exchange.getIn().setBody(fanOut.payload())).whenComplete((exchange, error) -> {
            Throwable failure = error != null ? error : exchange.getException();
            if (failure == null) {
                onSent.run();
            } else {
                log.warn("A fan-out of {} was not sent ({}); it is sent again", fanOut.key(), failure.toString());
                onRefused.run();
            }
        });
    }

    private void readFanOut(Exchange exchange) {
        FanOut fanOut = json.readValue(exchange.getIn().getBody(String.class), FanOut.class);
        exchange.getIn().setBody(new FanOutCursor(fanOut));
        exchange.getIn().setHeader("fanOutTopics", fanOut.dispatches().stream()
                .map(d -> "kafka:" + d.topic()).toList());
    }

    /**
     * The multicast's copies share the body; Camel prepares them one by one in recipient order
     * (before any is sent), so each copy takes the next member's message from this cursor.
     */
    private static final class FanOutCursor {
        private final FanOut fanOut;
        private final AtomicInteger next = new AtomicInteger();

        FanOutCursor(FanOut fanOut) {
            this.fanOut = fanOut;
        }

        /** The next member's position in the group; members take consecutive partitions from it. */
        int nextIndex() {
            return next.getAndIncrement();
        }
    }

    private void prepareMember(Exchange copy) {
        FanOutCursor cursor = copy.getIn().getBody(FanOutCursor.class);
        int index = cursor.nextIndex();
        Messages.Dispatch dispatch = cursor.fanOut.dispatches().get(index);
        String payload = json.writeValueAsString(dispatch.message());
        copy.getIn().removeHeaders("*");
        copy.getIn().setHeader(KafkaConstants.KEY, cursor.fanOut.chainId());
        copy.getIn().setHeader(KafkaConstants.PARTITION_KEY,
                Topics.memberPartition(cursor.fanOut.chainId(), index, kafka.partitions()));
        if (tracing.on()) {
            copy.getIn().setHeader(RunTraceContext.TRACEPARENT, tracing.traceparent(cursor.fanOut.chainId()));
        }
        copy.getIn().setBody(payload);
    }
}

package ai.pipeline.orchestration.worker;

import ai.pipeline.orchestration.engine.EngineSettings;
import ai.pipeline.orchestration.engine.Messages.Revocation;
import ai.pipeline.orchestration.engine.TaskRegistry;
import ai.pipeline.orchestration.engine.Topics;
import ai.pipeline.shared.task.TaskDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Worker routes: one route template, {@code task-worker}, instantiated once per task domain this
 * process runs tasks of ({@code app.engine.worker-tasks}) as {@code worker-<domain>}; it consumes
 * that domain's task topics with {@code app.engine.worker-concurrency.<domain>} consumers (consumer
 * group {@code worker-<domain>}, the group KEDA scales on), runs each task and publishes its report
 * on {@code ai.task-results}, then commits offsets (asynchronously, see {@link #commitOffset}): a
 * worker killed mid-run leaves only the tasks of its last poll to run again elsewhere, and an idle
 * worker sends Kafka nothing but its heartbeats. {@code worker-revocations} keeps this process's list of cancelled
 * chains and revoked tasks.
 */
@Component
class WorkerRoutes extends RouteBuilder {

    static final String TEMPLATE = "task-worker";
    /** The engine's route configuration (see EngineErrorHandling): Kafka or database hiccups are retried, not skipped. */
    private static final String ENGINE_ERRORS = "engine-errors";

    private final TaskRegistry registry;
    private final EngineSettings settings;
    private final Revocations revocations;
    private final JsonMapper json;

    WorkerRoutes(TaskRegistry registry, EngineSettings settings, Revocations revocations, JsonMapper json) {
        this.registry = registry;
        this.settings = settings;
        this.revocations = revocations;
        this.json = json;
    }

    @Override
    public void configure() {
        routeTemplate(TEMPLATE)
                .templateParameter("topics")
                .templateParameter("group")
                .templateParameter("consumers")
                .templateParameter("maxPollRecords")
                .from("kafka:{{topics}}?groupId={{group}}&consumersCount={{consumers}}&maxPollRecords={{maxPollRecords}}"
                        + "&allowManualCommit=true&autoCommitEnable=false&maxPollIntervalMs=1800000&autoOffsetReset=earliest"
                        + "&kafkaManualCommitFactory=#class:org.apache.camel.component.kafka.consumer.DefaultKafkaManualAsyncCommitFactory"
                        // round-robin: consecutive partitions (a group's members) go to different consumers
                        + "&partitionAssignor=org.apache.kafka.clients.consumer.RoundRobinAssignor")
                .routeConfigurationId(ENGINE_ERRORS)
                .bean(TaskRunner.class, "run")
                .filter(body().isNotNull())
                    .to("kafka:" + Topics.RESULTS)
                .end()
                .process(WorkerRoutes::commitOffset);

        Map<String, List<String>> topicsByDomain = new TreeMap<>();
        for (TaskDefinition task : registry.all()) {
            if (settings.runsWorker(task.name())) {
                topicsByDomain.computeIfAbsent(task.domain(), d -> new ArrayList<>()).add(Topics.forTask(task.name()));
            }
        }
        topicsByDomain.forEach((domain, topics) -> templatedRoute(TEMPLATE)
                .routeId("worker-" + domain)
                .parameter("topics", String.join(",", topics))
                .parameter("group", workerGroup(domain))
                .parameter("consumers", String.valueOf(settings.concurrency(domain)))
                .parameter("maxPollRecords", String.valueOf(settings.maxPollRecords(domain))));
        if (!topicsByDomain.isEmpty()) {
            // every worker process reads all revocations: a consumer group of its own, from the start
            from("kafka:" + Topics.CONTROL + "?groupId=revocations-" + UUID.randomUUID() + "&autoOffsetReset=earliest")
                    .routeId("worker-revocations")
                    .routeConfigurationId(ENGINE_ERRORS)
                    .process(exchange -> revocations.revoke(
                            json.readValue(exchange.getIn().getBody(String.class), Revocation.class)));
        }
    }

    /**
     * Commits the record's offset (asynchronously) once its report is sent: for the last record of its
     * partition in this poll, which covers the ones before it, and for a task that ran long. Short
     * tasks polled together (core's 20 per poll) thus cost one offset commit per partition and poll,
     * not one each; a kill re-runs at most those of one poll, and each is applied once.
     */
    private static void commitOffset(Exchange exchange) {
        Message record = exchange.getIn();
        if (Boolean.TRUE.equals(record.getHeader(KafkaConstants.LAST_RECORD_BEFORE_COMMIT, Boolean.class))
                || exchange.getProperty(TaskRunner.RAN_LONG, false, Boolean.class)) {
            record.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class).commit();
        }
    }

    /** The consumer group of a domain's workers; KEDA's ScaledObject for the domain names the same group. */
    static String workerGroup(String domain) {
        return "worker-" + domain;
    }
}

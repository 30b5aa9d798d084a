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
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Worker routes: one route template, {@code task-worker}, instantiated once per task domain this
 * process runs tasks of ({@code app.engine.worker-tasks}) as {@code worker-<domain>}; it consumes
 * that domain's task topics with {@code app.engine.worker-consumers.<domain>} consumers (consumer
 * group {@code worker-<domain>}, the group KEDA scales on), runs each task when one of the domain's
 * {@code app.engine.worker-concurrency.<domain>} slots is free ({@link TaskSlots}) and publishes its report
 * on {@code ai.task-results} at once, and commits the poll's offsets once Kafka has acknowledged its
 * reports ({@link WorkerReports}): a worker killed mid-run leaves only the tasks of its last poll to
 * run again elsewhere, and an idle worker sends Kafka nothing but its heartbeats. {@code worker-revocations} keeps this process's list of cancelled
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
    private final WorkerReports reports;
    private final TaskSlots slots;

    WorkerRoutes(TaskRegistry registry, EngineSettings settings, Revocations revocations, JsonMapper json,
                 WorkerReports reports, TaskSlots slots) {
        this.reports = reports;
        this.slots = slots;
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
                .doTry()
                    .bean(TaskRunner.class, "run")
                    .process(reports::send)
                .doFinally()
                    // also after a task message that could not be read: the poll's other reports settle
                    .process(reports::settle)
                .end();

        Map<String, List<String>> topicsByDomain = new TreeMap<>();
        for (TaskDefinition task : registry.all()) {
            if (settings.runsWorker(task.name())) {
                topicsByDomain.computeIfAbsent(task.domain(), d -> new ArrayList<>()).add(Topics.forTask(task.name()));
            }
        }
        topicsByDomain.keySet().forEach(slots::open);
        topicsByDomain.forEach((domain, topics) -> templatedRoute(TEMPLATE)
                .routeId("worker-" + domain)
                .parameter("topics", String.join(",", topics))
                .parameter("group", workerGroup(domain))
                .parameter("consumers", String.valueOf(settings.consumers(domain)))
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

    /** The consumer group of a domain's workers; KEDA's ScaledObject for the domain names the same group. */
    static String workerGroup(String domain) {
        return "worker-" + domain;
    }
}

package ai.pipeline.orchestration.worker;

import ai.pipeline.orchestration.engine.EngineSettings;
import ai.pipeline.orchestration.engine.Messages.Revocation;
import ai.pipeline.orchestration.engine.TaskRegistry;
import ai.pipeline.orchestration.engine.Topics;
import ai.pipeline.shared.task.TaskDefinition;
import java.util.UUID;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Worker routes: one route template, {@code task-worker}, instantiated once per task this process
 * runs ({@code app.engine.worker-tasks}) as {@code worker-<task>}; it consumes the task's topic
 * with {@code app.engine.worker-concurrency.<domain>} consumers (consumer group {@code worker-<task name>},
 * the group KEDA scales on), runs the task and publishes its report on {@code ai.task-results}.
 * {@code worker-revocations} keeps this process's list of cancelled chains and revoked tasks.
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
                .templateParameter("topic")
                .templateParameter("group")
                .templateParameter("consumers")
                // one record per poll and offsets committed every 100 ms: a worker killed mid-run leaves
                // only its current task to run again elsewhere, not the rest of a 20-record poll
                // and the last 5 s of commits (the cluster test measured 89 re-runs for one kill)
                .from("kafka:{{topic}}?groupId={{group}}&consumersCount={{consumers}}&maxPollRecords=1"
                        + "&autoCommitIntervalMs=100&maxPollIntervalMs=1800000&autoOffsetReset=earliest"
                        // round-robin: consecutive partitions (a group's members) go to different consumers
                        + "&partitionAssignor=org.apache.kafka.clients.consumer.RoundRobinAssignor")
                .routeConfigurationId(ENGINE_ERRORS)
                .bean(TaskRunner.class, "run")
                .filter(body().isNotNull())
                .to("kafka:" + Topics.RESULTS);

        boolean anyWorker = false;
        for (TaskDefinition task : registry.all()) {
            if (settings.runsWorker(task.name())) {
                anyWorker = true;
                templatedRoute(TEMPLATE)
                        .routeId("worker-" + task.name().replace('.', '-').replace('_', '-'))
                        .parameter("topic", Topics.forTask(task.name()))
                        .parameter("group", workerGroup(task.name()))
                        .parameter("consumers", String.valueOf(settings.concurrency(task.name())));
            }
        }
        if (anyWorker) {
            // every worker process reads all revocations: a consumer group of its own, from the start
            from("kafka:" + Topics.CONTROL + "?groupId=revocations-" + UUID.randomUUID() + "&autoOffsetReset=earliest")
                    .routeId("worker-revocations")
                    .routeConfigurationId(ENGINE_ERRORS)
                    .process(exchange -> revocations.revoke(
                            json.readValue(exchange.getIn().getBody(String.class), Revocation.class)));
        }
    }

    /** The consumer group of a task's workers; KEDA's ScaledObject for the task names the same group. */
    static String workerGroup(String taskName) {
        return "worker-" + taskName;
    }
}

package ai.pipeline.orchestration.monitor;

import ai.pipeline.orchestration.engine.Topics;
import java.util.UUID;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * {@code orchestration-worker-reports}: {@code ai.task-results} → {@link WorkerActivity}, so this process
 * knows what every worker runs now. Its own consumer group per process, from the latest record,
 * committing nothing (like the live events' route): it watches, it never takes reports from the engine.
 */
@Component
class WorkerReportRoutes extends RouteBuilder {

    private final WorkerActivity activity;
    private final boolean enabled;

    WorkerReportRoutes(WorkerActivity activity, @Value("${app.dashboard.worker-reports:true}") boolean enabled) {
        this.activity = activity;
        this.enabled = enabled;
    }

    @Override
    public void configure() {
        from("kafka:" + Topics.RESULTS + "?groupId=monitor-" + UUID.randomUUID() + "&autoOffsetReset=latest&autoCommitEnable=false")
                .routeId("orchestration-worker-reports")
                .routeConfigurationId("live-events-errors")   // a watcher: a report it cannot read is logged and skipped
                .autoStartup(enabled)
                .process(exchange -> activity.onReport(exchange.getIn().getBody(String.class)));
    }
}

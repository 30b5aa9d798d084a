package ai.pipeline.orchestration.scheduling;

import ai.pipeline.orchestration.engine.EngineSettings;
import ai.pipeline.orchestration.engine.OrchestratorLease;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The timers of this module, on the orchestrator lease holder only (route group {@code lease-holder}):
 * due scheduled runs, periodic ticks, completion callbacks, and the hourly purge of what they leave. They opt into the engine's error handling:
 * a database or Kafka briefly away is retried until it is back.
 */
@Component
class SchedulingRoutes extends RouteBuilder {

    private static final String ENGINE_ERRORS = "engine-errors";

    private final EngineSettings engine;
    private final SchedulingProperties scheduling;
    private final CallbackProperties callbackProperties;
    private final DueRuns dueRuns;
    private final PeriodicSchedules schedules;
    private final CallbackDispatcher callbacks;
    private final SchedulingPurge purge;

    SchedulingRoutes(EngineSettings engine, SchedulingProperties scheduling, CallbackProperties callbackProperties,
                     DueRuns dueRuns, PeriodicSchedules schedules, CallbackDispatcher callbacks, SchedulingPurge purge) {
        this.purge = purge;
        this.engine = engine;
        this.scheduling = scheduling;
        this.callbackProperties = callbackProperties;
        this.dueRuns = dueRuns;
        this.schedules = schedules;
        this.callbacks = callbacks;
    }

    @Override
    public void configure() {
        if (!engine.orchestrator()) {
            return;
        }
        long every = scheduling.checkInterval().toMillis();
        singletonTimer("orchestration-scheduled-runs", "period=" + every, dueRuns::startDue);
        singletonTimer("orchestration-schedules", "period=" + every, schedules::tick);
        singletonTimer("orchestration-callbacks", "period=" + callbackProperties.checkInterval().toMillis(), callbacks::deliverDue);
        singletonTimer("orchestration-scheduling-purge", "period=3600000&delay=60000", purge::purge);
    }

    /** A timer route that runs on the lease holder only (the lease starts and stops its group). */
    private void singletonTimer(String routeId, String timing, Runnable pass) {
        from("timer:" + routeId + "?" + timing)
                .routeId(routeId).group(OrchestratorLease.SINGLETON).autoStartup(false)
                .routeConfigurationId(ENGINE_ERRORS)
                .process(exchange -> pass.run());
    }
}

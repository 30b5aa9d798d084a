package ai.pipeline.orchestration.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * After a start (and after a crash): publishes what the outbox still holds and tells the join
 * aggregator again about open joins, so every recorded pipeline goes on where it stopped.
 */
@Component
class EngineRecovery {

    private static final Logger log = LoggerFactory.getLogger(EngineRecovery.class);

    private final EngineSettings settings;
    private final OutboxPublisher publisher;
    private final PipelineEngine engine;

    EngineRecovery(EngineSettings settings, OutboxPublisher publisher, PipelineEngine engine) {
        this.settings = settings;
        this.publisher = publisher;
        this.engine = engine;
    }

    @EventListener(ApplicationReadyEvent.class)
    void recover() {
        if (!settings.orchestrator()) {
            return;
        }
        try {
            publisher.relayPending();
            engine.recoverJoins();
        } catch (RuntimeException e) {
            log.warn("Recovery after start did not finish ({}); the outbox relay and the overdue-join timer will catch up",
                    e.toString());
        }
    }
}

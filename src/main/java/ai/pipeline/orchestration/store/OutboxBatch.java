package ai.pipeline.orchestration.store;

import java.util.List;

/** The messages of one committed transaction, stored as one outbox row with this id. */
public record OutboxBatch(long id, List<OutboxMessage> messages) {
}

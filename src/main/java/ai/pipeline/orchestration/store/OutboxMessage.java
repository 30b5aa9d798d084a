package ai.pipeline.orchestration.store;

/** A record to publish on Kafka once the transaction that produced it has committed. */
public record OutboxMessage(String topic, String key, String payload) {
}

package ai.pipeline.orchestration.store;

/** A record to publish on Kafka once the transaction that produced it has committed; {@code id} is set when stored. */
public record OutboxMessage(Long id, String topic, String key, String payload) {

    public OutboxMessage(String topic, String key, String payload) {
        this(null, topic, key, payload);
    }

    public OutboxMessage withId(long id) {
        return new OutboxMessage(id, topic, key, payload);
    }
}

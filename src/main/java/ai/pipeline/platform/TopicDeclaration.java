package ai.pipeline.platform;

import java.util.Collection;

/** A module's Kafka topics; {@link KafkaTopics} creates them all at startup. */
@FunctionalInterface
public interface TopicDeclaration {

    Collection<String> topics();
}

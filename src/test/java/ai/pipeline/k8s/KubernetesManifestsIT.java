package ai.pipeline.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.orchestration.engine.TaskRegistry;
import ai.pipeline.orchestration.engine.Topics;
import ai.pipeline.platform.KafkaTopics;
import ai.pipeline.testsupport.AppTest;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The manifests against the running application (which runs every role here): the KafkaTopic
 * resources are exactly the topics it declares, for exactly its registered tasks, and every KEDA
 * trigger watches the topic, consumer group and offset reset of a real worker route.
 */
@AppTest
class KubernetesManifestsIT {

    @Autowired
    KafkaTopics kafkaTopics;

    @Autowired
    TaskRegistry tasks;

    @Autowired
    CamelContext camel;

    @Test
    void everyOverlayDeclaresExactlyTheTopicsOfTheApplicationAndItsRegisteredTasks() {
        for (String overlay : Manifests.overlays()) {
            Manifests manifests = KubernetesManifestsTest.rendered(overlay);
            assertThat(manifests.topicNames()).as(overlay).isEqualTo(new TreeSet<>(kafkaTopics.declared()));
            assertThat(manifests.taskNames()).as(overlay).isEqualTo(new TreeSet<>(tasks.names()));
        }
    }

    @Test
    void everyKedaTriggerWatchesTheTopicAndConsumerGroupOfAWorkerRoute() {
        Map<String, KafkaConfiguration> workers = workerConsumers();
        assertThat(workers.keySet()).as("every task's topic is consumed by a worker route").isEqualTo(
                tasks.names().stream().map(Topics::forTask).collect(Collectors.toCollection(TreeSet::new)));
        for (String overlay : Manifests.overlays()) {
            Set<String> watched = new TreeSet<>();
            for (JsonNode scaledObject : KubernetesManifestsTest.rendered(overlay).nodes("ScaledObject")) {
                for (JsonNode trigger : scaledObject.path("spec").path("triggers")) {
                    JsonNode metadata = trigger.path("metadata");
                    String topic = metadata.path("topic").asString();
                    KafkaConfiguration route = workers.get(topic);
                    assertThat(route).as("%s: a worker route consumes %s", overlay, topic).isNotNull();
                    assertThat(metadata.path("consumerGroup").asString()).as("%s: group of %s", overlay, topic)
                            .isEqualTo(route.getGroupId());
                    assertThat(metadata.path("offsetResetPolicy").asString()).as("%s: offset reset of %s", overlay, topic)
                            .isEqualTo(route.getAutoOffsetReset());
                    watched.add(topic);
                }
            }
            assertThat(watched).as("%s: KEDA watches worker topics", overlay).isNotEmpty();
        }
    }

    /** The Kafka consumer of every task topic, by topic (a worker route consumes its domain's topics). */
    private Map<String, KafkaConfiguration> workerConsumers() {
        Map<String, KafkaConfiguration> consumers = new TreeMap<>();
        for (Route route : camel.getRoutes()) {
            if (route.getEndpoint() instanceof KafkaEndpoint kafka
                    && kafka.getConfiguration().getTopic().startsWith(Topics.TASK_PREFIX)) {
                for (String topic : kafka.getConfiguration().getTopic().split(",")) {
                    assertThat(consumers.put(topic, kafka.getConfiguration())).as("one route consumes %s", topic).isNull();
                }
            }
        }
        return consumers;
    }
}

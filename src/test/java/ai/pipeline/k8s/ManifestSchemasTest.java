package ai.pipeline.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operators' CRDs, made strict, find what the API server would refuse or drop in silence. */
class ManifestSchemasTest {

    private static Map<String, Object> topic(String spec) {
        return Kustomize.documents("""
                apiVersion: kafka.strimzi.io/v1
                kind: KafkaTopic
                metadata:
                  name: t
                  labels: {strimzi.io/cluster: c}
                spec:
                """ + spec).get(0);
    }

    @Test
    void aCustomResourceAsItsCrdDescribesItPasses() {
        assertThat(ManifestSchemas.problems(topic("  topicName: a.b\n  partitions: 3\n  config: {max.message.bytes: 1}\n"))).isEmpty();
    }

    @Test
    void anUnknownFieldAWrongTypeAndAValueOutOfRangeAreFound() {
        assertThat(ManifestSchemas.problems(topic("  partition: 3\n"))).singleElement().asString().contains("partition");
        assertThat(ManifestSchemas.problems(topic("  partitions: three\n"))).singleElement().asString().contains("partitions");
        assertThat(ManifestSchemas.problems(topic("  partitions: 0\n"))).isNotEmpty();
    }

    @Test
    void aNestedUnknownFieldOfAKafkaIsFoundWhereTheCrdKeepsNoUnknownFields() {
        Map<String, Object> kafka = Kustomize.documents("""
                apiVersion: kafka.strimzi.io/v1
                kind: Kafka
                metadata: {name: k}
                spec:
                  kafka:
                    listeners: [{name: plain, port: 9092, type: internal, tls: false, authentication: {type: scram}}]
                """).get(0);

        assertThat(ManifestSchemas.problems(kafka)).anySatisfy(problem -> assertThat(problem).contains("authentication"));
    }

    @Test
    void aKindWithoutASchemaIsAProblemNotAPass() {
        assertThat(ManifestSchemas.problems(Map.of("apiVersion", "example.com/v1", "kind", "Thing")))
                .singleElement().asString().contains("no schema");
    }
}

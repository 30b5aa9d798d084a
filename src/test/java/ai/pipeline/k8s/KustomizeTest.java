package ai.pipeline.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tests render with kubectl's Kustomize, and see its errors. */
class KustomizeTest {

    @TempDir
    Path dir;

    /** Skipped without kubectl (else the failures below would be the skip's). */
    @BeforeEach
    void kubectl() {
        Kustomize.assumeAvailable();
    }

    @Test
    void rendersAKustomizationWithKubectlsKustomize() throws IOException {
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                namespace: demo
                configMapGenerator:
                  - name: cfg
                    literals: [A=1]
                """);

        List<Map<String, Object>> objects = Kustomize.build(dir);

        // the name is Kustomize's content hash of {"A": "1"}
        assertThat(objects).singleElement().satisfies(configMap -> {
            assertThat(Kustomize.id(configMap)).isEqualTo("v1 ConfigMap cfg-89g4tffbfk");
            assertThat(configMap.get("data")).isEqualTo(Map.of("A", "1"));
        });
    }

    @Test
    void aKustomizationKustomizeRefusesFailsWithItsMessage() throws IOException {
        Files.writeString(dir.resolve("kustomization.yaml"), "kind: Kustomization\nresources: [missing.yaml]\n");

        assertThatThrownBy(() -> Kustomize.build(dir)).hasMessageContaining("kubectl kustomize").hasMessageContaining("missing.yaml");
    }

    @Test
    void aKeyGivenTwiceInTheRenderedYamlFails() {
        assertThatThrownBy(() -> Kustomize.documents("a: 1\na: 2\n")).hasMessageContaining("duplicate key a");
    }
}

package ai.pipeline.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kustomize subset renders as Kustomize does, and refuses what it does not implement. */
class KustomizeTest {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 1
              template:
                spec:
                  containers:
                    - name: app
                      image: ai-pipeline
                      args: [a, b]
                      env:
                        - name: A
                          value: "1"
                        - name: B
                          value: "2"
                      volumeMounts:
                        - name: data
                          mountPath: /data
                    - name: sidecar
                      image: busybox:1.36
            """;

    private static final String TOPIC = """
            apiVersion: kafka.strimzi.io/v1
            kind: KafkaTopic
            metadata:
              name: t
            spec:
              partitions: 3
              config:
                a: "1"
                b: "2"
              list: [1, 2]
            """;

    @TempDir
    Path dir;

    @Test
    void aStrategicMergePatchMergesContainersAndEnvByNameAndReplacesOtherLists() throws IOException {
        write("base/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [web.yaml]\n");
        write("base/web.yaml", DEPLOYMENT);
        write("overlay/kustomization.yaml", """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: [../base]
                patches:
                  - path: patch.yaml
                images:
                  - name: ai-pipeline
                    newName: registry.example.com/ai-pipeline
                    newTag: "1.2"
                """);
        write("overlay/patch.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  replicas: null
                  template:
                    spec:
                      containers:
                        - name: app
                          args: [c]
                          env:
                            - name: B
                              value: "3"
                            - name: C
                              value: "4"
                          volumeMounts:
                            - name: other
                              mountPath: /data
                """);

        Map<String, Object> web = Kustomize.build(dir.resolve("overlay")).get(0);

        assertThat(at(web, "spec")).doesNotContainKey("replicas");
        List<Map<String, Object>> containers = list(at(web, "spec", "template", "spec"), "containers");
        assertThat(containers).extracting(c -> c.get("name")).containsExactly("app", "sidecar");
        Map<String, Object> app = containers.get(0);
        assertThat(app.get("image")).isEqualTo("registry.example.com/ai-pipeline:1.2");
        assertThat(containers.get(1).get("image")).isEqualTo("busybox:1.36");
        assertThat(app.get("args")).isEqualTo(List.of("c"));
        assertThat(list(app, "env")).extracting(e -> e.get("name") + "=" + e.get("value")).containsExactly("A=1", "B=3", "C=4");
        // volume mounts merge by mountPath
        assertThat(list(app, "volumeMounts")).singleElement().satisfies(m -> assertThat(m.get("name")).isEqualTo("other"));
    }

    @Test
    void aPatchOfACustomResourceMergesMapsAndReplacesLists() throws IOException {
        write("kustomization.yaml", """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: [topic.yaml]
                patches:
                  - patch: |
                      apiVersion: kafka.strimzi.io/v1
                      kind: KafkaTopic
                      metadata:
                        name: t
                      spec:
                        config:
                          b: "3"
                        list: [9]
                """);
        write("topic.yaml", TOPIC);

        Map<String, Object> topic = Kustomize.build(dir).get(0);

        assertThat(at(topic, "spec", "config")).isEqualTo(Map.of("a", "1", "b", "3"));
        assertThat(at(topic, "spec").get("list")).isEqualTo(List.of(9));
        assertThat(at(topic, "spec").get("partitions")).isEqualTo(3);
    }

    @Test
    void aGeneratedConfigMapHoldsTheFilesAndLiteralsWithTheOptionsLabels() throws IOException {
        write("kustomization.yaml", """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                configMapGenerator:
                  - name: dashboards
                    files: [board.json, renamed.json=board.json]
                    literals: [mode=dark]
                    options:
                      disableNameSuffixHash: true
                      labels:
                        grafana_dashboard: "1"
                """);
        write("board.json", "{\"title\": \"x\"}");

        Map<String, Object> configMap = Kustomize.build(dir).get(0);

        assertThat(at(configMap, "metadata")).containsEntry("name", "dashboards")
                .containsEntry("labels", Map.of("grafana_dashboard", "1"));
        assertThat(at(configMap, "data")).containsExactly(Map.entry("board.json", "{\"title\": \"x\"}"),
                Map.entry("renamed.json", "{\"title\": \"x\"}"), Map.entry("mode", "dark"));
    }

    /**
     * The names below are what Kustomize v5.5.0 ({@code kubectl kustomize}) renders for the same
     * files: the hash covers the data only, after the overlay's patches.
     */
    @Test
    void aGeneratedConfigMapIsNamedByKustomizesContentHashAndPodTemplatesReferToThatName() throws IOException {
        write("base/kustomization.yaml", """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: [web.yaml, topic.yaml]
                configMapGenerator:
                  - name: cfg
                    envs: [cfg.env]
                    options:
                      labels:
                        a: b
                """);
        write("base/cfg.env", "# a comment\n\n  A=1\nB=\"quoted\" x\nC=<a&b>\n");
        write("base/web.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  template:
                    spec:
                      containers:
                        - name: app
                          envFrom: [{configMapRef: {name: cfg}}]
                          env: [{name: X, valueFrom: {configMapKeyRef: {name: cfg, key: A}}}]
                      volumes: [{name: v, configMap: {name: cfg}}]
                """);
        write("base/topic.yaml", "apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nmetadata: {name: t}\n"
                + "spec: {valueFrom: {configMapKeyRef: {name: cfg, key: A}}}\n");
        write("overlay/kustomization.yaml", """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: [../base]
                patches:
                  - patch: |
                      apiVersion: v1
                      kind: ConfigMap
                      metadata:
                        name: cfg
                      data:
                        B: "2"
                """);

        List<Map<String, Object>> base = Kustomize.build(dir.resolve("base"));
        List<Map<String, Object>> overlay = Kustomize.build(dir.resolve("overlay"));

        Map<String, Object> configMap = base.get(2);
        assertThat(at(configMap, "metadata")).containsEntry("name", "cfg-dbbh65k4k9").containsEntry("labels", Map.of("a", "b"));
        assertThat(at(configMap, "data")).containsExactly(Map.entry("A", "1"), Map.entry("B", "\"quoted\" x"),
                Map.entry("C", "<a&b>"));
        Map<String, Object> pod = at(base.get(0), "spec", "template", "spec");
        Map<String, Object> app = list(pod, "containers").get(0);
        assertThat(list(app, "envFrom").get(0)).isEqualTo(Map.of("configMapRef", Map.of("name", "cfg-dbbh65k4k9")));
        assertThat(at(list(app, "env").get(0), "valueFrom", "configMapKeyRef")).containsEntry("name", "cfg-dbbh65k4k9");
        assertThat(at(list(pod, "volumes").get(0), "configMap")).containsEntry("name", "cfg-dbbh65k4k9");
        // Kustomize does not know where custom resources name a ConfigMap
        assertThat(at(base.get(1), "spec", "valueFrom", "configMapKeyRef")).containsEntry("name", "cfg");

        assertThat(at(overlay.get(2), "metadata")).containsEntry("name", "cfg-md88gdbkd5");
        assertThat(list(list(at(overlay.get(0), "spec", "template", "spec"), "containers").get(0), "envFrom").get(0))
                .isEqualTo(Map.of("configMapRef", Map.of("name", "cfg-md88gdbkd5")));
    }

    @Test
    void theHashOfGeneratedLiteralsIsKustomizes() throws IOException {
        write("kustomization.yaml", "kind: Kustomization\nconfigMapGenerator:\n  - name: cfg\n    literals: [A=1]\n");

        assertThat(at(Kustomize.build(dir).get(0), "metadata")).containsEntry("name", "cfg-89g4tffbfk");
    }

    @Test
    void whatTheRendererDoesNotImplementIsRefusedNotIgnored() throws IOException {
        write("topic.yaml", TOPIC);
        write("kustomization.yaml", "kind: Kustomization\nresources: [topic.yaml]\nnamespace: other\n");
        assertThatThrownBy(() -> Kustomize.build(dir)).hasMessageContaining("'namespace' is not supported");

        write("kustomization.yaml", "kind: Kustomization\nresources: [topic.yaml]\npatches:\n  - path: p.yaml\n    target: {kind: KafkaTopic}\n");
        assertThatThrownBy(() -> Kustomize.build(dir)).hasMessageContaining("'target' is not supported");

        write("kustomization.yaml", "kind: Kustomization\nresources: [topic.yaml]\npatches:\n  - path: p.yaml\n");
        write("p.yaml", "apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nmetadata: {name: other}\nspec: {}\n");
        assertThatThrownBy(() -> Kustomize.build(dir)).hasMessageContaining("matches no resource");

        write("p.yaml", "apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nmetadata: {name: t}\nspec: {$patch: replace}\n");
        assertThatThrownBy(() -> Kustomize.build(dir)).hasMessageContaining("directive $patch is not supported");

        write("kustomization.yaml", "kind: Kustomization\nconfigMapGenerator:\n  - name: c\n    envs: [c.env]\n");
        write("c.env", "A=1\nFROM_THE_ENVIRONMENT\n");
        assertThatThrownBy(() -> Kustomize.build(dir)).hasMessageContaining("has no '='");

        write("kustomization.yaml", "kind: Kustomization\nresources: [topic.yaml, topic.yaml]\n");
        assertThatThrownBy(() -> Kustomize.build(dir)).hasMessageContaining("declared twice");

        write("kustomization.yaml", "kind: Kustomization\nresources: [topic.yaml]\n");
        write("topic.yaml", TOPIC + "spec:\n  partitions: 1\n");
        assertThatThrownBy(() -> Kustomize.build(dir)).hasMessageContaining("duplicate key spec");
    }

    private void write(String relative, String content) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> at(Map<String, Object> object, String... path) {
        Map<String, Object> node = object;
        for (String key : path) {
            node = (Map<String, Object>) node.get(key);
        }
        return node;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> object, String key) {
        return (List<Map<String, Object>>) object.get(key);
    }
}

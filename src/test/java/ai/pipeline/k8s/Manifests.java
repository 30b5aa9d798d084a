package ai.pipeline.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import ai.pipeline.orchestration.engine.Topics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One overlay of {@code k8s/}, rendered as {@code kubectl apply -k} would, with the lookups the tests need. */
final class Manifests {

    static final Path ROOT = Path.of("k8s");
    /** The container that runs the application in every Deployment. */
    static final String APP_CONTAINER = "app";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** A name with Kustomize's hash suffix: 10 characters of 0-9a-f, with 0, 1, 3, a, e replaced by g, h, k, m, t. */
    static final Pattern GENERATED_NAME = Pattern.compile(".+-[2456789bcdfghkmt]{10}");

    private final String overlay;
    private final List<Map<String, Object>> objects;

    private Manifests(String overlay, List<Map<String, Object>> objects) {
        this.overlay = overlay;
        this.objects = objects;
    }

    /** The overlays under {@code k8s/overlays}, by folder name. */
    static List<String> overlays() {
        Path dir = ROOT.resolve("overlays");
        assertThat(dir).as("k8s overlays (tests run in the project folder)").isDirectory();
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Manifests render(String overlay) {
        return render(ROOT, overlay);
    }

    /** An overlay of a copy of {@code k8s/} at {@code root}. */
    static Manifests render(Path root, String overlay) {
        return new Manifests(overlay, Kustomize.build(root.resolve("overlays").resolve(overlay)));
    }

    String overlay() {
        return overlay;
    }

    List<Map<String, Object>> objects() {
        return objects;
    }

    List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    Map<String, Object> get(String kind, String name) {
        return ofKind(kind).stream().filter(o -> name.equals(Kustomize.name(o))).findFirst()
                .orElseThrow(() -> new AssertionError(overlay + " has no " + kind + " " + name));
    }

    /**
     * The ConfigMap a {@code configMapGenerator} of that name made: Kustomize names it
     * {@code <name>-<hash of its data>}.
     */
    Map<String, Object> generatedConfigMap(String name) {
        List<Map<String, Object>> found = ofKind("ConfigMap").stream()
                .filter(o -> GENERATED_NAME.matcher(Kustomize.name(o)).matches()
                        && Kustomize.name(o).substring(0, Kustomize.name(o).length() - 11).equals(name))
                .toList();
        assertThat(found).as("%s: the ConfigMap generated as %s", overlay, name).hasSize(1);
        return found.get(0);
    }

    /** Custom resources, as JSON trees. */
    List<JsonNode> nodes(String kind) {
        return ofKind(kind).stream().map(o -> (JsonNode) JSON.valueToTree(o)).toList();
    }

    JsonNode node(String kind, String name) {
        return JSON.valueToTree(get(kind, name));
    }

    /** Built-in kinds, in the fabric8 model. */
    <T> List<T> typed(String kind, Class<T> type) {
        return ofKind(kind).stream().map(o -> ManifestSchemas.typed(o, type)).toList();
    }

    List<Deployment> deployments() {
        return typed("Deployment", Deployment.class);
    }

    Deployment deployment(String name) {
        return ManifestSchemas.typed(get("Deployment", name), Deployment.class);
    }

    static Container appContainer(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> APP_CONTAINER.equals(c.getName())).findFirst()
                .orElseThrow(() -> new AssertionError(deployment.getMetadata().getName() + " has no container " + APP_CONTAINER));
    }

    /**
     * The application container's environment as the kubelet sets it: the ConfigMaps of
     * {@code envFrom}, then {@code env}; a value from a Secret reads {@code secret:<name>/<key>}, one of the
     * pod's fields {@code field:<path>} (e.g. {@code field:status.podIP}).
     */
    Map<String, String> environment(Deployment deployment) {
        Container container = appContainer(deployment);
        Map<String, String> environment = new LinkedHashMap<>();
        for (EnvFromSource source : container.getEnvFrom()) {
            assertThat(source.getConfigMapRef()).as("envFrom of %s", deployment.getMetadata().getName()).isNotNull();
            environment.putAll(ManifestSchemas.typed(get("ConfigMap", source.getConfigMapRef().getName()), ConfigMap.class).getData());
        }
        for (EnvVar variable : container.getEnv()) {
            if (variable.getValueFrom() == null) {
                environment.put(variable.getName(), variable.getValue());
            } else if (variable.getValueFrom().getFieldRef() != null) {
                environment.put(variable.getName(), "field:" + variable.getValueFrom().getFieldRef().getFieldPath());
            } else {
                SecretKeySelector secret = variable.getValueFrom().getSecretKeyRef();
                assertThat(secret).as("%s of %s comes from a Secret", variable.getName(), deployment.getMetadata().getName())
                        .isNotNull();
                environment.put(variable.getName(), "secret:" + secret.getName() + "/" + secret.getKey());
            }
        }
        return environment;
    }

    /** Whether a label selector (matchLabels and matchExpressions, as JSON) selects pods with these labels. */
    static boolean selects(JsonNode selector, Map<String, String> labels) {
        assertThat(selector.isObject()).as("a label selector: %s", selector).isTrue();
        for (Map.Entry<String, JsonNode> label : selector.path("matchLabels").properties()) {
            if (!label.getValue().asString().equals(labels.get(label.getKey()))) {
                return false;
            }
        }
        for (JsonNode expression : selector.path("matchExpressions")) {
            String key = expression.path("key").asString();
            Set<String> values = new TreeSet<>();
            expression.path("values").forEach(v -> values.add(v.asString()));
            boolean matches = switch (expression.path("operator").asString()) {
                case "In" -> values.contains(labels.get(key));
                case "NotIn" -> !values.contains(labels.get(key));
                case "Exists" -> labels.containsKey(key);
                case "DoesNotExist" -> !labels.containsKey(key);
                default -> throw new AssertionError("operator of " + expression);
            };
            if (!matches) {
                return false;
            }
        }
        return true;
    }

    /** Task names, from the task topics ({@code ai.tasks.<task>}) that the KafkaTopic resources declare. */
    Set<String> taskNames() {
        Set<String> tasks = new TreeSet<>();
        for (String topic : topicNames()) {
            if (topic.startsWith(Topics.TASK_PREFIX) && !topic.equals(Topics.TASKS_DEAD_LETTER)) {
                tasks.add(topic.substring(Topics.TASK_PREFIX.length()));
            }
        }
        return tasks;
    }

    Set<String> topicNames() {
        Set<String> topics = new TreeSet<>();
        nodes("KafkaTopic").forEach(t -> topics.add(t.path("spec").path("topicName").asString()));
        return topics;
    }
}

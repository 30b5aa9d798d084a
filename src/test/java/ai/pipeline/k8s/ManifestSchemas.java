package ai.pipeline.k8s;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks each rendered object against the schema of its kind. Built-in kinds are read into the
 * fabric8 Kubernetes model, strictly (no string for a number, no unknown field: fabric8 keeps
 * unknown fields in {@code additionalProperties}, which are looked for everywhere in the object).
 * Custom resources (Strimzi, CloudNativePG, KEDA, the Prometheus Operator) are validated against
 * the schema of their version in the operator's own CRD ({@code src/test/resources/k8s/crds}), made
 * strict as kubeconform's {@code -strict} does: an object schema that lists its properties refuses
 * others (where the API server would drop them in silence) unless it preserves unknown fields.
 */
final class ManifestSchemas {

    private static final Map<String, Class<?>> BUILT_IN = Map.of(
            "v1/ConfigMap", ConfigMap.class,
            "v1/Service", Service.class,
            "v1/PersistentVolumeClaim", PersistentVolumeClaim.class,
            "apps/v1/Deployment", Deployment.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "networking.k8s.io/v1/Ingress", Ingress.class,
            "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class);

    /** The operators' CRDs, as their releases publish them (the README beside them says which release). */
    private static final String CRDS = "/k8s/crds";
    /** Jackson 2, as fabric8 uses it, without the coercions the API server would not make ("2" for 2, 2 for "2"). */
    private static final ObjectMapper KUBERNETES = strictMapper();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The CRDs' OpenAPI v3 schemas are close to JSON Schema draft 4 (a boolean exclusiveMinimum). */
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);
    /** By "apiVersion/kind": the schema of that version of each custom resource, read once. */
    private static final Map<String, Schema> CUSTOM = customResourceSchemas();

    private ManifestSchemas() {
    }

    /** What is wrong with an object; empty when it matches its kind's schema. */
    static List<String> problems(Map<String, Object> object) {
        String type = object.get("apiVersion") + "/" + object.get("kind");
        if (BUILT_IN.containsKey(type)) {
            try {
                return unknownFields(typed(object, BUILT_IN.get(type)));
            } catch (IllegalArgumentException e) {
                return List.of(e.getMessage());
            }
        }
        if (CUSTOM.containsKey(type)) {
            return CUSTOM.get(type).validate(JSON.valueToTree(object)).stream().map(Error::toString).toList();
        }
        return List.of("no schema for " + type + " (add it to ManifestSchemas)");
    }

    /** Every served version of every CRD under {@link #CRDS}, as a strict JSON schema. */
    @SuppressWarnings("unchecked")
    private static Map<String, Schema> customResourceSchemas() {
        Map<String, Schema> schemas = new TreeMap<>();
        try (Stream<Path> files = Files.list(Path.of(ManifestSchemas.class.getResource(CRDS).toURI()))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (Map<String, Object> crd : Kustomize.documents(Files.readString(file))) {
                    JsonNode spec = JSON.valueToTree(crd.get("spec"));
                    String kind = spec.path("names").path("kind").asString();
                    for (JsonNode version : spec.path("versions")) {
                        if (version.path("served").asBoolean()) {
                            JsonNode schema = strict(version.path("schema").path("openAPIV3Schema").deepCopy());
                            schemas.put(spec.path("group").asString() + "/" + version.path("name").asString() + "/" + kind,
                                    SCHEMAS.getSchema(schema));
                        }
                    }
                }
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot read the CRDs under " + CRDS, e);
        }
        return schemas;
    }

    /**
     * An OpenAPI v3 schema of a CRD as a JSON schema: unknown properties refused unless
     * {@code x-kubernetes-preserve-unknown-fields}, {@code nullable} as a null type,
     * {@code x-kubernetes-int-or-string} as integer or string; descriptions, formats and the other
     * Kubernetes extensions left out (formats such as int-or-string are no JSON Schema formats).
     */
    private static JsonNode strict(JsonNode node) {
        if (node instanceof ObjectNode schema) {
            boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean();
            if (schema.path("x-kubernetes-int-or-string").asBoolean() && !schema.has("anyOf")) {
                schema.remove("type");
                schema.putArray("anyOf").add(JSON.createObjectNode().put("type", "integer"))
                        .add(JSON.createObjectNode().put("type", "string"));
            }
            if (schema.path("nullable").asBoolean() && schema.has("type")) {
                String type = schema.path("type").asString();
                schema.putArray("type").add(type).add("null");
            }
            if (schema.has("properties") && !schema.has("additionalProperties") && !preserve) {
                schema.put("additionalProperties", false);
            }
            schema.remove(List.of("description", "example", "format", "nullable"));
            schema.propertyNames().stream().filter(key -> key.startsWith("x-kubernetes-")).toList().forEach(schema::remove);
            if (schema.get("properties") instanceof ObjectNode properties) {
                properties.forEachEntry((name, property) -> strict(property));
            }
            for (String key : List.of("items", "additionalProperties", "not")) {
                strict(schema.path(key));
            }
            for (String key : List.of("anyOf", "allOf", "oneOf")) {
                schema.path(key).forEach(ManifestSchemas::strict);
            }
        }
        return node;
    }

    /** The object as a fabric8 model class; an {@link IllegalArgumentException} says what did not fit. */
    static <T> T typed(Map<String, Object> object, Class<T> type) {
        return KUBERNETES.convertValue(object, type);
    }

    private static ObjectMapper strictMapper() {
        ObjectMapper mapper = com.fasterxml.jackson.databind.json.JsonMapper.builder()
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }

    /** Fields the model did not know, wherever they are in the object. */
    private static List<String> unknownFields(Object model) {
        List<String> problems = new ArrayList<>();
        walk(model, "", problems, Collections.newSetFromMap(new IdentityHashMap<>()));
        return problems;
    }

    private static void walk(Object node, String path, List<String> problems, Set<Object> seen) {
        if (node == null || !seen.add(node)) {
            return;
        }
        if (node instanceof Collection<?> collection) {
            int i = 0;
            for (Object element : collection) {
                walk(element, path + "[" + i++ + "]", problems, seen);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> walk(value, path + "." + key, problems, seen));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Class<?> type = node.getClass(); type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                Object value = read(field, node);
                if (field.getName().equals("additionalProperties") && value instanceof Map<?, ?> extra) {
                    if (!extra.isEmpty()) {
                        problems.add("unknown field(s) " + extra.keySet() + " at " + (path.isEmpty() ? "top level" : path));
                    }
                } else {
                    walk(value, path + "." + field.getName(), problems, seen);
                }
            }
        }
    }

    private static Object read(Field field, Object owner) {
        try {
            field.setAccessible(true);
            return field.get(owner);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}

package ai.pipeline.k8s;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
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
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks each rendered object against the schema of its kind. Built-in kinds are read into the
 * fabric8 Kubernetes model, strictly (no string for a number, no unknown field: fabric8 keeps
 * unknown fields in {@code additionalProperties}, which are looked for everywhere in the object).
 * Custom resources (Strimzi, CloudNativePG, KEDA, the Prometheus Operator) are validated against the JSON schemas in
 * {@code src/test/resources/k8s/schemas}: the part of each operator's CRD that {@code k8s/} uses,
 * with required fields and unknown fields refused.
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

    private static final String SCHEMA_BASE = "https://ai-pipeline.test/k8s/";
    private static final Map<String, String> CUSTOM = Map.of(
            "kafka.strimzi.io/v1/Kafka", "kafka.schema.json",
            "kafka.strimzi.io/v1/KafkaNodePool", "kafkanodepool.schema.json",
            "kafka.strimzi.io/v1/KafkaTopic", "kafkatopic.schema.json",
            "postgresql.cnpg.io/v1/Cluster", "cluster.schema.json",
            "postgresql.cnpg.io/v1/ScheduledBackup", "scheduledbackup.schema.json",
            "keda.sh/v1alpha1/ScaledObject", "scaledobject.schema.json",
            "monitoring.coreos.com/v1/PodMonitor", "podmonitor.schema.json");

    /** Jackson 2, as fabric8 uses it, without the coercions the API server would not make ("2" for 2, 2 for "2"). */
    private static final ObjectMapper KUBERNETES = strictMapper();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaIdResolvers(ids -> ids.mapPrefix(SCHEMA_BASE, "classpath:k8s/schemas/")));

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
            Schema schema = SCHEMAS.getSchema(SchemaLocation.of(SCHEMA_BASE + CUSTOM.get(type)));
            return schema.validate(JSON.valueToTree(object)).stream().map(Error::toString).toList();
        }
        return List.of("no schema for " + type + " (add it to ManifestSchemas)");
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

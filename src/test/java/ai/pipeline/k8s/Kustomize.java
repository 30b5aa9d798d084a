package ai.pipeline.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The part of Kustomize that {@code k8s/} uses, so the tests render the overlays as
 * {@code kubectl apply -k} would, without kubectl: {@code resources} (files and folders),
 * {@code patches} (strategic merge patches from {@code path} or inline {@code patch}, matched to
 * their target by apiVersion, kind and name), {@code images} ({@code newName}, {@code newTag},
 * {@code digest}) and {@code configMapGenerator} with {@code disableNameSuffixHash}. Any other
 * field or directive fails the rendering, so an overlay can never render here differently from
 * Kustomize without a test noticing.
 */
final class Kustomize {

    private static final Set<String> KUSTOMIZATION_FIELDS = Set.of("apiVersion", "kind", "resources", "patches",
            "images", "configMapGenerator");
    private static final Set<String> GENERATOR_FIELDS = Set.of("name", "files", "literals", "options");
    private static final Set<String> GENERATOR_OPTIONS = Set.of("disableNameSuffixHash", "labels", "annotations");
    private static final Set<String> IMAGE_FIELDS = Set.of("name", "newName", "newTag", "digest");

    /**
     * The list fields of built-in kinds whose elements a strategic merge patch merges by a key
     * (their {@code patchMergeKey}) instead of replacing the list. Custom resources have no such
     * keys: Kustomize replaces their lists, as in a JSON merge patch.
     */
    private static final Map<String, String> MERGE_KEYS = Map.of(
            "containers", "name",
            "initContainers", "name",
            "env", "name",
            "volumes", "name",
            "volumeMounts", "mountPath",
            "ports", "containerPort",
            "imagePullSecrets", "name");

    /** API groups of built-in kinds (the core group has none). */
    private static final Set<String> BUILT_IN_GROUPS = Set.of("apps", "batch", "policy", "autoscaling",
            "networking.k8s.io", "rbac.authorization.k8s.io", "storage.k8s.io");

    private Kustomize() {
    }

    /** The objects the kustomization in {@code dir} renders, in the order they are declared. */
    static List<Map<String, Object>> build(Path dir) {
        Map<String, Object> kustomization = single(dir.resolve("kustomization.yaml"));
        for (String field : kustomization.keySet()) {
            require(KUSTOMIZATION_FIELDS.contains(field), dir + ": kustomization field '" + field + "' is not supported");
        }
        require("Kustomization".equals(kustomization.get("kind")), dir + ": not a Kustomization");

        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object entry : list(kustomization.get("resources"))) {
            Path path = dir.resolve((String) entry).normalize();
            objects.addAll(Files.isDirectory(path) ? build(path) : documents(path));
        }
        for (Object generator : list(kustomization.get("configMapGenerator"))) {
            objects.add(configMap(dir, map(generator)));
        }
        requireUnique(dir, objects);
        for (Object entry : list(kustomization.get("patches"))) {
            for (Map<String, Object> patch : patches(dir, map(entry))) {
                Map<String, Object> target = objects.stream().filter(o -> sameObject(o, patch)).findFirst()
                        .orElseThrow(() -> new IllegalStateException(dir + ": patch for " + id(patch) + " matches no resource"));
                merge(target, patch, builtIn(target));
            }
        }
        for (Object image : list(kustomization.get("images"))) {
            Map<String, Object> rule = map(image);
            for (String field : rule.keySet()) {
                require(IMAGE_FIELDS.contains(field), dir + ": images field '" + field + "' is not supported");
            }
            objects.forEach(object -> setImages(object, rule));
        }
        return objects;
    }

    /** Every YAML document of a file, empty ones left out. */
    static List<Map<String, Object>> documents(Path file) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : yaml().loadAll(read(file))) {
            if (document != null) {
                documents.add(map(document));
            }
        }
        return documents;
    }

    static String id(Map<String, Object> object) {
        return object.get("apiVersion") + " " + object.get("kind") + " " + name(object);
    }

    static String name(Map<String, Object> object) {
        return (String) map(object.get("metadata")).get("name");
    }

    private static List<Map<String, Object>> patches(Path dir, Map<String, Object> entry) {
        for (String field : entry.keySet()) {
            require(field.equals("path") || field.equals("patch"),
                    dir + ": patches field '" + field + "' is not supported (patches find their target by kind and name)");
        }
        if (entry.containsKey("path")) {
            return documents(dir.resolve((String) entry.get("path")));
        }
        List<Map<String, Object>> inline = new ArrayList<>();
        yaml().loadAll((String) entry.get("patch")).forEach(document -> inline.add(map(document)));
        return inline;
    }

    private static Map<String, Object> configMap(Path dir, Map<String, Object> generator) {
        for (String field : generator.keySet()) {
            require(GENERATOR_FIELDS.contains(field), dir + ": configMapGenerator field '" + field + "' is not supported");
        }
        Map<String, Object> options = map(generator.getOrDefault("options", Map.of()));
        for (String field : options.keySet()) {
            require(GENERATOR_OPTIONS.contains(field), dir + ": configMapGenerator option '" + field + "' is not supported");
        }
        // Kustomize appends a content hash to the name unless told not to; that hash is not reproduced here
        require(Boolean.TRUE.equals(options.get("disableNameSuffixHash")),
                dir + ": configMapGenerator needs options.disableNameSuffixHash: true");
        Map<String, Object> data = new LinkedHashMap<>();
        for (Object file : list(generator.get("files"))) {
            String spec = (String) file;
            int eq = spec.indexOf('=');
            Path path = dir.resolve(eq < 0 ? spec : spec.substring(eq + 1)).normalize();
            require(path.startsWith(dir), dir + ": configMapGenerator file " + spec + " is outside the kustomization");
            data.put(eq < 0 ? path.getFileName().toString() : spec.substring(0, eq), read(path));
        }
        for (Object literal : list(generator.get("literals"))) {
            String spec = (String) literal;
            int eq = spec.indexOf('=');
            require(eq > 0, dir + ": configMapGenerator literal without '=': " + spec);
            data.put(spec.substring(0, eq), spec.substring(eq + 1));
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", generator.get("name"));
        if (options.containsKey("labels")) {
            metadata.put("labels", new LinkedHashMap<>(map(options.get("labels"))));
        }
        if (options.containsKey("annotations")) {
            metadata.put("annotations", new LinkedHashMap<>(map(options.get("annotations"))));
        }
        Map<String, Object> configMap = new LinkedHashMap<>();
        configMap.put("apiVersion", "v1");
        configMap.put("kind", "ConfigMap");
        configMap.put("metadata", metadata);
        configMap.put("data", data);
        return configMap;
    }

    /** A strategic merge patch: maps merge, null deletes, keyed lists of built-in kinds merge by key, other lists are replaced. */
    @SuppressWarnings("unchecked")
    static void merge(Map<String, Object> target, Map<String, Object> patch, boolean builtIn) {
        for (Map.Entry<String, Object> entry : patch.entrySet()) {
            String key = entry.getKey();
            Object value = entry.getValue();
            require(!key.startsWith("$"), "patch directive " + key + " is not supported");
            Object current = target.get(key);
            if (value == null) {
                target.remove(key);
            } else if (value instanceof Map && current instanceof Map) {
                merge((Map<String, Object>) current, (Map<String, Object>) value, builtIn);
            } else if (value instanceof List && current instanceof List && builtIn && MERGE_KEYS.containsKey(key)) {
                mergeByKey((List<Object>) current, (List<Object>) value, MERGE_KEYS.get(key), builtIn);
            } else {
                target.put(key, copy(value));
            }
        }
    }

    private static void mergeByKey(List<Object> target, List<Object> patch, String mergeKey, boolean builtIn) {
        for (Object element : patch) {
            Map<String, Object> patchElement = map(element);
            Object key = patchElement.get(mergeKey);
            require(key != null, "a patch element of a list merged by '" + mergeKey + "' has no " + mergeKey);
            Map<String, Object> existing = target.stream().map(Kustomize::map)
                    .filter(e -> Objects.equals(e.get(mergeKey), key)).findFirst().orElse(null);
            if (existing == null) {
                target.add(copy(patchElement));
            } else {
                merge(existing, patchElement, builtIn);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void setImages(Object node, Map<String, Object> rule) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if ((entry.getKey().equals("containers") || entry.getKey().equals("initContainers"))
                        && entry.getValue() instanceof List<?> containers) {
                    containers.forEach(container -> retag((Map<String, Object>) container, rule));
                } else {
                    setImages(entry.getValue(), rule);
                }
            }
        } else if (node instanceof List<?> list) {
            list.forEach(element -> setImages(element, rule));
        }
    }

    private static void retag(Map<String, Object> container, Map<String, Object> rule) {
        String image = (String) container.get("image");
        if (image == null) {
            return;
        }
        int at = image.indexOf('@');
        int colon = image.lastIndexOf(':');
        String name = at >= 0 ? image.substring(0, at) : colon > image.lastIndexOf('/') ? image.substring(0, colon) : image;
        if (!name.equals(rule.get("name"))) {
            return;
        }
        String suffix = image.substring(name.length());
        if (rule.containsKey("digest")) {
            suffix = "@" + rule.get("digest");
        } else if (rule.containsKey("newTag")) {
            suffix = ":" + rule.get("newTag");
        }
        container.put("image", rule.getOrDefault("newName", name) + suffix);
    }

    private static boolean sameObject(Map<String, Object> object, Map<String, Object> patch) {
        return Objects.equals(object.get("apiVersion"), patch.get("apiVersion"))
                && Objects.equals(object.get("kind"), patch.get("kind"))
                && Objects.equals(name(object), name(patch));
    }

    private static boolean builtIn(Map<String, Object> object) {
        String apiVersion = (String) object.get("apiVersion");
        return !apiVersion.contains("/") || BUILT_IN_GROUPS.contains(apiVersion.substring(0, apiVersion.indexOf('/')));
    }

    private static void requireUnique(Path dir, List<Map<String, Object>> objects) {
        Set<String> seen = new java.util.HashSet<>();
        for (Map<String, Object> object : objects) {
            require(seen.add(id(object)), dir + ": " + id(object) + " is declared twice");
        }
    }

    /** A deep copy, so that a patch's value is never shared between objects. */
    @SuppressWarnings("unchecked")
    private static <T> T copy(T value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put((String) k, copy(v)));
            return (T) copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(v -> copy.add(copy(v)));
            return (T) copy;
        }
        return value;
    }

    private static Map<String, Object> single(Path file) {
        require(Files.isRegularFile(file), "no " + file);
        return map(yaml().load(read(file)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        require(value instanceof Map, "expected a mapping, found " + value);
        return (Map<String, Object>) value;
    }

    private static List<?> list(Object value) {
        return value == null ? List.of() : (List<?>) value;
    }

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}

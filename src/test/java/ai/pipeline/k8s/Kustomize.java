package ai.pipeline.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The part of Kustomize that {@code k8s/} uses, so the tests render the overlays as
 * {@code kubectl apply -k} would, without kubectl: {@code resources} (files and folders),
 * {@code patches} (strategic merge patches from {@code path} or inline {@code patch}, matched to
 * their target by apiVersion, kind and name), {@code images} ({@code newName}, {@code newTag},
 * {@code digest}) and {@code configMapGenerator} ({@code files}, {@code literals}, {@code envs}).
 * A generated ConfigMap's name gets Kustomize's content hash ({@code name-<hash>}, unless
 * {@code options.disableNameSuffixHash}), computed once the top kustomization has applied its
 * patches, and the references to it in pod templates are renamed with it, as Kustomize does (it
 * leaves references in custom resources alone). Any other field or directive fails the rendering,
 * so an overlay can never render here differently from Kustomize without a test noticing.
 */
final class Kustomize {

    private static final Set<String> KUSTOMIZATION_FIELDS = Set.of("apiVersion", "kind", "resources", "patches",
            "images", "configMapGenerator");
    private static final Set<String> GENERATOR_FIELDS = Set.of("name", "files", "literals", "envs", "options");
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

    /** The kinds whose pod template Kustomize looks in for names of generated ConfigMaps. */
    private static final Set<String> WORKLOADS = Set.of("Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet",
            "Job", "CronJob");
    /** An environment variable's name, as Kustomize requires of an {@code envs} file's keys. */
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

    private Kustomize() {
    }

    /** The objects the kustomization in {@code dir} renders, in the order they are declared. */
    static List<Map<String, Object>> build(Path dir) {
        Set<Map<String, Object>> toHash = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Map<String, Object>> objects = accumulate(dir, toHash);
        // Kustomize names generated objects last, after every overlay's patches, then renames the references
        for (Map<String, Object> configMap : toHash) {
            String name = name(configMap);
            String hashed = name + "-" + configMapHash(configMap);
            map(configMap.get("metadata")).put("name", hashed);
            objects.stream().filter(o -> WORKLOADS.contains(o.get("kind")) && builtIn(o))
                    .forEach(o -> renameConfigMapReferences(o, name, hashed));
        }
        return objects;
    }

    /**
     * Kustomize's name suffix of a generated ConfigMap: the first 10 hex digits of the SHA-256 of
     * Go's JSON of {@code {"data": …, "kind": "ConfigMap", "name": ""}} (keys sorted; the name is
     * empty because Kustomize looks it up under a path it does not find), 0, 1, 3, a and e
     * replaced by g, h, k, m and t.
     */
    static String configMapHash(Map<String, Object> configMap) {
        Map<String, Object> data = new TreeMap<>(map(configMap.getOrDefault("data", Map.of())));
        StringBuilder json = new StringBuilder("{\"data\":{");
        data.forEach((key, value) -> {
            if (json.charAt(json.length() - 1) != '{') {
                json.append(',');
            }
            goJsonString(json, key).append(':');
            goJsonString(json, (String) value);
        });
        json.append("},\"kind\":\"ConfigMap\",\"name\":\"\"}");
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(json.toString().getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder suffix = new StringBuilder();
        for (char c : HexFormat.of().formatHex(digest, 0, 5).toCharArray()) {
            suffix.append(switch (c) {
                case '0' -> 'g';
                case '1' -> 'h';
                case '3' -> 'k';
                case 'a' -> 'm';
                case 'e' -> 't';
                default -> c;
            });
        }
        return suffix.toString();
    }

    /** A string as Go's encoding/json writes it (which escapes <, > and & too). */
    private static StringBuilder goJsonString(StringBuilder out, String text) {
        out.append('"');
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    /** References by name to a ConfigMap: envFrom, env's configMapKeyRef, volumes and projected volumes. */
    @SuppressWarnings("unchecked")
    private static void renameConfigMapReferences(Object node, String from, String to) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (Set.of("configMapRef", "configMapKeyRef", "configMap").contains(entry.getKey())
                        && entry.getValue() instanceof Map<?, ?> reference && from.equals(reference.get("name"))) {
                    ((Map<String, Object>) reference).put("name", to);
                } else {
                    renameConfigMapReferences(entry.getValue(), from, to);
                }
            }
        } else if (node instanceof List<?> list) {
            list.forEach(element -> renameConfigMapReferences(element, from, to));
        }
    }

    private static List<Map<String, Object>> accumulate(Path dir, Set<Map<String, Object>> toHash) {
        Map<String, Object> kustomization = single(dir.resolve("kustomization.yaml"));
        for (String field : kustomization.keySet()) {
            require(KUSTOMIZATION_FIELDS.contains(field), dir + ": kustomization field '" + field + "' is not supported");
        }
        require("Kustomization".equals(kustomization.get("kind")), dir + ": not a Kustomization");

        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object entry : list(kustomization.get("resources"))) {
            Path path = dir.resolve((String) entry).normalize();
            objects.addAll(Files.isDirectory(path) ? accumulate(path, toHash) : documents(path));
        }
        for (Object entry : list(kustomization.get("configMapGenerator"))) {
            Map<String, Object> generator = map(entry);
            Map<String, Object> configMap = configMap(dir, generator);
            objects.add(configMap);
            if (!Boolean.TRUE.equals(map(generator.getOrDefault("options", Map.of())).get("disableNameSuffixHash"))) {
                toHash.add(configMap);
            }
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
        Map<String, Object> data = new LinkedHashMap<>();
        for (Object file : list(generator.get("envs"))) {
            Path path = dir.resolve((String) file).normalize();
            require(path.startsWith(dir), dir + ": configMapGenerator envs file " + file + " is outside the kustomization");
            envFile(path).forEach((key, value) ->
                    require(data.put(key, value) == null, path + ": " + key + " is set twice"));
        }
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

    /**
     * The variables of an {@code envs} file as Kustomize reads them: one {@code KEY=value} a line,
     * leading blanks dropped, blank lines and lines starting with {@code #} skipped, the value
     * taken as written (quotes included). A line without {@code =} takes its value from the
     * environment of whoever runs Kustomize: refused here.
     */
    static Map<String, String> envFile(Path file) {
        Map<String, String> variables = new LinkedHashMap<>();
        String text = read(file);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        for (String raw : text.split("\r?\n", -1)) {
            String line = raw.stripLeading();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            require(eq > 0, file + ": '" + line + "' has no '=' (its value would come from the environment)");
            String key = line.substring(0, eq);
            require(ENV_NAME.matcher(key).matches(), file + ": '" + key + "' is not a valid variable name");
            require(variables.put(key, line.substring(eq + 1)) == null, file + ": " + key + " is set twice");
        }
        return variables;
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

    /** A key given twice in one mapping fails, as in Kustomize (SnakeYAML would keep the last one). */
    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return new Yaml(new SafeConstructor(options));
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

package ai.pipeline.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ai.pipeline.orchestration.engine.EngineSettings;
import ai.pipeline.orchestration.engine.Topics;
import ai.pipeline.platform.KafkaSettings;
import ai.pipeline.platform.KafkaTopics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.util.FileSystemUtils;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;

/**
 * The manifests of every overlay, rendered by {@code kubectl kustomize} without a cluster (skipped
 * without kubectl): each object matches the schema of its kind, and the deployment agrees with itself and with the application's code — topics and
 * their partitions, the roles and the tasks each runs, KEDA's triggers, probes, credentials,
 * storage. {@link KubernetesManifestsIT} compares them with the running application as well.
 */
class KubernetesManifestsTest {

    static final String CONFIG = "ai-pipeline-config";
    /** Variables of app.kafka.properties, the settings every Kafka client of the application takes. */
    static final String KAFKA_PROPERTIES = "APP_KAFKA_PROPERTIES_";
    private static final Set<String> KAFKA_CLIENT_SETTINGS = Stream.of(ProducerConfig.configNames(),
            ConsumerConfig.configNames(), AdminClientConfig.configNames()).flatMap(Set::stream).collect(Collectors.toSet());
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|secret|token|api_?key|credential).*");
    private static final Map<String, Manifests> RENDERED = new ConcurrentHashMap<>();

    static List<String> overlays() {
        return Manifests.overlays();
    }

    static Manifests rendered(String overlay) {
        return RENDERED.computeIfAbsent(overlay, Manifests::render);
    }

    @Test
    void thereIsALocalAndAProdOverlay() {
        assertThat(Manifests.overlays()).contains("local", "prod");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyObjectMatchesTheSchemaOfItsKind(String overlay) {
        Manifests manifests = rendered(overlay);
        Map<String, List<String>> problems = new TreeMap<>();
        for (Map<String, Object> object : manifests.objects()) {
            List<String> found = ManifestSchemas.problems(object);
            if (!found.isEmpty()) {
                problems.put(Kustomize.id(object), found);
            }
        }
        assertThat(manifests.objects()).isNotEmpty();
        assertThat(problems).as("schema problems in %s", overlay).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyTopicOfTheEngineExistsWithThePartitionsAndMessageSizeTheApplicationUses(String overlay) {
        Manifests manifests = rendered(overlay);
        KafkaSettings kafka = AppProperties.kafka(config(manifests));
        String cluster = kafkaCluster(manifests).path("metadata").path("name").asString();

        assertThat(manifests.topicNames()).containsAll(fixedTopics());
        assertThat(manifests.taskNames()).isNotEmpty();
        for (JsonNode topic : manifests.nodes("KafkaTopic")) {
            String name = topic.path("spec").path("topicName").asString();
            assertThat(topic.path("metadata").path("name").asString()).as("Kubernetes name of %s", name)
                    .isEqualTo(name.replace('.', '-').replace('_', '-'));
            assertThat(topic.path("spec").path("partitions").asInt()).as("partitions of %s", name).isEqualTo(kafka.partitions());
            assertThat(topic.path("spec").path("config").path("max.message.bytes").asInt()).as("max.message.bytes of %s", name)
                    .isEqualTo(KafkaTopics.MAX_MESSAGE_BYTES);
            assertThat(topic.path("metadata").path("labels").path("strimzi.io/cluster").asString()).isEqualTo(cluster);
        }
        assertThat(manifests.nodes("KafkaTopic")).hasSize(manifests.topicNames().size());
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void kafkaReplicatesAsTheApplicationCreatesTopicsAndAKraftQuorumRuns(String overlay) {
        Manifests manifests = rendered(overlay);
        JsonNode kafka = kafkaCluster(manifests);
        String cluster = kafka.path("metadata").path("name").asString();
        JsonNode config = kafka.path("spec").path("kafka").path("config");
        int replication = AppProperties.kafka(config(manifests)).replicationFactor();

        int brokers = 0;
        int controllers = 0;
        for (JsonNode pool : manifests.nodes("KafkaNodePool")) {
            assertThat(pool.path("metadata").path("labels").path("strimzi.io/cluster").asString()).isEqualTo(cluster);
            Set<String> roles = new TreeSet<>();
            pool.path("spec").path("roles").forEach(role -> roles.add(role.asString()));
            int replicas = pool.path("spec").path("replicas").asInt();
            brokers += roles.contains("broker") ? replicas : 0;
            controllers += roles.contains("controller") ? replicas : 0;
        }
        // KRaft and node pools are the only mode of kafka.strimzi.io/v1: the annotations that enabled them are obsolete
        assertThat(kafka.path("metadata").path("annotations").has("strimzi.io/kraft")).isFalse();
        assertThat(kafka.path("metadata").path("annotations").has("strimzi.io/node-pools")).isFalse();
        assertThat(controllers % 2).as("controllers form a quorum of an odd number").isEqualTo(1);
        assertThat(replication).as("app.kafka.replication-factor").isBetween(1, brokers);
        for (String key : List.of("default.replication.factor", "offsets.topic.replication.factor",
                "transaction.state.log.replication.factor")) {
            assertThat(config.path(key).asInt()).as(key).isEqualTo(replication);
        }
        int minInSync = config.path("min.insync.replicas").asInt();
        assertThat(minInSync).as("min.insync.replicas: one broker may be down").isEqualTo(replication == 1 ? 1 : replication - 1);
        assertThat(config.path("message.max.bytes").asInt()).isGreaterThanOrEqualTo(KafkaTopics.MAX_MESSAGE_BYTES);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void kafkaRunsThePinnedMinorVersionOfTheClientsAndServesItsMetrics(String overlay) {
        Manifests manifests = rendered(overlay);
        JsonNode kafka = kafkaCluster(manifests).path("spec");
        String clients = AppInfoParser.getVersion();
        String minor = clients.substring(0, clients.indexOf('.', clients.indexOf('.') + 1));

        assertThat(kafka.path("kafka").path("version").asString()).as("brokers of the clients' minor (kafka-clients %s)", clients)
                .startsWith(minor + ".");
        assertThat(kafka.path("kafka").path("metadataVersion").asString()).startsWith(minor + "-IV");

        JsonNode metrics = kafka.path("kafka").path("metricsConfig");
        assertThat(metrics.path("type").asString()).isEqualTo("jmxPrometheusExporter");
        JsonNode reference = metrics.path("valueFrom").path("configMapKeyRef");
        Map<String, String> data = ManifestSchemas.typed(manifests.get("ConfigMap", reference.path("name").asString()), ConfigMap.class)
                .getData();
        assertThat(data).containsKey(reference.path("key").asString());
        Map<String, Object> exporter = new Yaml(new SafeConstructor(new LoaderOptions())).load(data.get(reference.path("key").asString()));
        assertThat((List<?>) exporter.get("rules")).isNotEmpty().allSatisfy(rule ->
                Pattern.compile((String) ((Map<?, ?>) rule).get("pattern")));

        String topics = kafka.path("kafkaExporter").path("topicRegex").asString();
        assertThat(manifests.topicNames()).as("topics whose lag the Kafka exporter reports").allMatch(t -> t.matches(topics));
        assertThat(kafka.path("kafkaExporter").path("groupRegex").asString()).isEqualTo(".*");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyRoleReachesKafkaAndPostgresThroughTheOperatorsServicesWithTheGeneratedCredentials(String overlay) {
        Manifests manifests = rendered(overlay);
        String bootstrap = bootstrapServers(manifests);
        JsonNode database = manifests.nodes("Cluster").get(0);
        String cluster = database.path("metadata").path("name").asString();
        String name = database.path("spec").path("bootstrap").path("initdb").path("database").asString();

        Map<String, String> kafkaClient = kafkaClientEnvironment(manifests);
        for (Deployment deployment : manifests.deployments()) {
            Map<String, String> environment = manifests.environment(deployment);
            assertThat(environment).as(deployment.getMetadata().getName())
                    .containsEntry("APP_KAFKA_BOOTSTRAP_SERVERS", bootstrap)
                    .containsAllEntriesOf(kafkaClient)
                    .containsEntry("SPRING_DATASOURCE_URL", "jdbc:postgresql://" + cluster + "-rw:5432/" + name)
                    .containsEntry("SPRING_DATASOURCE_USERNAME", "secret:" + cluster + "-app/username")
                    .containsEntry("SPRING_DATASOURCE_PASSWORD", "secret:" + cluster + "-app/password")
                    .containsEntry("OMP_THREAD_LIMIT", "1");
            assertThat(environment.keySet().stream().filter(v -> v.startsWith(KAFKA_PROPERTIES)))
                    .as("%s: Kafka client settings of the listener only", deployment.getMetadata().getName())
                    .containsExactlyInAnyOrderElementsOf(kafkaClient.keySet());
        }
        // KEDA reaches Kafka as the pods do: their bootstrap variable, the listener's TLS and SASL
        Map<String, String> keda = kedaAuthentication(manifests);
        for (JsonNode scaledObject : manifests.nodes("ScaledObject")) {
            String target = scaledObject.path("spec").path("scaleTargetRef").path("name").asString();
            for (JsonNode trigger : scaledObject.path("spec").path("triggers")) {
                String variable = trigger.path("metadata").path("bootstrapServersFromEnv").asString();
                assertThat(manifests.environment(manifests.deployment(target))).as("%s: %s", target, variable)
                        .containsEntry(variable, bootstrap);
                assertThat(trigger.path("metadata").has("bootstrapServers")).isFalse();
                assertThat(triggerAuthentication(manifests, trigger.path("authenticationRef").path("name").asString()))
                        .as("authentication of %s", trigger.path("name").asString()).isEqualTo(keda);
            }
        }
    }

    /**
     * The app.kafka.properties the listener of APP_KAFKA_BOOTSTRAP_SERVERS asks of every client (as
     * environment variables; a Secret's key as secret:name/key): none for plain text, TLS with the
     * cluster CA and SCRAM-SHA-512 with the JAAS configuration of a KafkaUser of the cluster.
     */
    static Map<String, String> kafkaClientEnvironment(Manifests manifests) {
        JsonNode listener = listener(manifests);
        String cluster = kafkaCluster(manifests).path("metadata").path("name").asString();
        String authentication = listener.path("authentication").path("type").asString();
        if (!listener.path("tls").asBoolean()) {
            assertThat(authentication).as("a plain listener: no credentials in clear text").isEmpty();
            return Map.of();
        }
        assertThat(authentication).as("authentication of the TLS listener").isEqualTo("scram-sha-512");
        return Map.of(
                KAFKA_PROPERTIES + "SECURITY_PROTOCOL", "SASL_SSL",
                KAFKA_PROPERTIES + "SASL_MECHANISM", "SCRAM-SHA-512",
                KAFKA_PROPERTIES + "SASL_JAAS_CONFIG", "secret:" + scramUser(manifests) + "/sasl.jaas.config",
                KAFKA_PROPERTIES + "SSL_TRUSTSTORE_TYPE", "PEM",
                KAFKA_PROPERTIES + "SSL_TRUSTSTORE_CERTIFICATES", "secret:" + cluster + "-cluster-ca-cert/ca.crt");
    }

    /** KEDA's parameters for the listener, as a TriggerAuthentication resolves them (secret:name/key for a Secret's). */
    private static Map<String, String> kedaAuthentication(Manifests manifests) {
        JsonNode listener = listener(manifests);
        if (!listener.path("tls").asBoolean()) {
            return Map.of("sasl", "none", "tls", "disable");
        }
        String user = scramUser(manifests);
        return Map.of("sasl", "scram_sha512", "tls", "enable", "username", user, "password", "secret:" + user + "/password",
                "ca", "secret:" + kafkaCluster(manifests).path("metadata").path("name").asString() + "-cluster-ca-cert/ca.crt");
    }

    private static Map<String, String> triggerAuthentication(Manifests manifests, String name) {
        JsonNode spec = manifests.node("TriggerAuthentication", name).path("spec");
        Map<String, String> parameters = new TreeMap<>();
        for (JsonNode reference : spec.path("configMapTargetRef")) {
            Map<String, String> data = ManifestSchemas.typed(manifests.get("ConfigMap", reference.path("name").asString()),
                    ConfigMap.class).getData();
            assertThat(data).containsKey(reference.path("key").asString());
            parameters.put(reference.path("parameter").asString(), data.get(reference.path("key").asString()));
        }
        for (JsonNode reference : spec.path("secretTargetRef")) {
            parameters.put(reference.path("parameter").asString(),
                    "secret:" + reference.path("name").asString() + "/" + reference.path("key").asString());
        }
        return parameters;
    }

    /** The one KafkaUser of the cluster, authenticated by SCRAM-SHA-512 (Strimzi names its Secret after it). */
    private static String scramUser(Manifests manifests) {
        String cluster = kafkaCluster(manifests).path("metadata").path("name").asString();
        List<JsonNode> users = manifests.nodes("KafkaUser").stream()
                .filter(u -> u.path("metadata").path("labels").path("strimzi.io/cluster").asString().equals(cluster))
                .filter(u -> u.path("spec").path("authentication").path("type").asString().equals("scram-sha-512")).toList();
        assertThat(users).as("SCRAM users of %s", cluster).hasSize(1);
        assertThat(kafkaCluster(manifests).path("spec").path("entityOperator").has("userOperator"))
                .as("Strimzi's user operator, which creates the user and its Secret").isTrue();
        return users.get(0).path("metadata").path("name").asString();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theApplicationsKafkaUserMayUseItsTopicsAndGroupsWhereKafkaEnforcesAcls(String overlay) {
        Manifests manifests = rendered(overlay);
        JsonNode kafka = kafkaCluster(manifests).path("spec").path("kafka");
        if (!kafka.path("authorization").has("type")) {
            assertThat(manifests.nodes("KafkaUser")).isEmpty();
            return;
        }
        JsonNode user = manifests.node("KafkaUser", scramUser(manifests));
        List<String> rights = new ArrayList<>();
        user.path("spec").path("authorization").path("acls").forEach(acl -> acl.path("operations").forEach(operation ->
                rights.add(String.join(" ", acl.path("resource").path("type").asString(), acl.path("resource").path("name").asString(),
                        acl.path("resource").path("patternType").asString(), operation.asString()).replaceAll(" +", " "))));
        String prefix = Topics.TASK_PREFIX.substring(0, Topics.TASK_PREFIX.indexOf('.') + 1);
        assertThat(manifests.topicNames()).as("every topic under the ACL's prefix").allMatch(t -> t.startsWith(prefix));
        assertThat(rights).contains("topic " + prefix + " prefix All", "group * literal All", "cluster Describe");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyTaskRunsInExactlyOneRoleAndKedaScalesEachWorkerOnTheTopicsAndGroupsOfItsTasks(String overlay) {
        Manifests manifests = rendered(overlay);
        Set<String> tasks = manifests.taskNames();
        int partitions = AppProperties.kafka(config(manifests)).partitions();
        Map<String, String> roleOfTask = new TreeMap<>();
        Set<String> orchestrators = new TreeSet<>();
        Set<String> scaled = new TreeSet<>();

        for (Deployment deployment : manifests.deployments()) {
            String name = deployment.getMetadata().getName();
            EngineSettings settings = AppProperties.engine(manifests.environment(deployment));
            Set<String> served = tasks.stream().filter(settings::runsWorker).collect(Collectors.toCollection(TreeSet::new));
            served.forEach(task -> assertThat(roleOfTask.put(task, name)).as("%s runs in two roles", task).isNull());
            if (settings.orchestrator()) {
                orchestrators.add(name);
                continue;
            }
            assertThat(served).as("tasks of the worker %s", name).isNotEmpty();
            assertThat(deployment.getSpec().getReplicas()).as("%s: KEDA sets the replicas", name).isNull();
            JsonNode scaledObject = scaledObjectOf(manifests, name);
            scaled.add(name);
            Set<String> triggered = new TreeSet<>();
            for (JsonNode trigger : scaledObject.path("spec").path("triggers")) {
                JsonNode metadata = trigger.path("metadata");
                String topic = metadata.path("topic").asString();
                assertThat(topic).startsWith(Topics.TASK_PREFIX);
                String task = topic.substring(Topics.TASK_PREFIX.length());
                assertThat(metadata.path("consumerGroup").asString()).as("consumer group of %s", topic)
                        .isEqualTo("worker-" + task.substring(0, task.indexOf('.')));
                assertThat(metadata.path("offsetResetPolicy").asString()).as("as the worker route reads").isEqualTo("earliest");
                triggered.add(task);
            }
            assertThat(triggered).as("KEDA triggers of %s", name).isEqualTo(served);

            int min = scaledObject.path("spec").path("minReplicaCount").asInt();
            int max = scaledObject.path("spec").path("maxReplicaCount").asInt();
            assertThat(min).isBetween(1, max);
            for (String task : served) {
                assertThat(max * settings.consumers(task.substring(0, task.indexOf('.'))))
                        .as("%s: pods x consumers of %s may not pass the %d partitions", name, task, partitions)
                        .isLessThanOrEqualTo(partitions);
            }
        }
        assertThat(roleOfTask.keySet()).as("every task has a role").isEqualTo(tasks);
        assertThat(orchestrators).as("orchestrator roles").isNotEmpty();
        assertThat(manifests.nodes("ScaledObject")).hasSize(scaled.size());
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theSharedSettingsAreAConfigMapNamedByItsContentSoThatAChangeRollsEveryRole(String overlay, @TempDir Path copy)
            throws IOException {
        Manifests manifests = rendered(overlay);
        String name = Kustomize.name(manifests.generatedConfigMap(CONFIG));

        assertThat(manifests.ofKind("ConfigMap")).extracting(Kustomize::name).doesNotContain(CONFIG);
        for (Deployment deployment : manifests.deployments()) {
            assertThat(Manifests.appContainer(deployment).getEnvFrom())
                    .as("envFrom of %s", deployment.getMetadata().getName())
                    .extracting(source -> source.getConfigMapRef().getName()).containsExactly(name);
        }
        // one more setting in a copy of k8s/: a new name, and every Deployment refers to it
        FileSystemUtils.copyRecursively(Manifests.ROOT, copy);
        Files.writeString(copy.resolve("base/config.env"), "APP_STORAGE_MAX_FILE_SIZE=50MB\n", StandardOpenOption.APPEND);
        Manifests changed = Manifests.render(copy, overlay);
        String renamed = Kustomize.name(changed.generatedConfigMap(CONFIG));
        assertThat(renamed).isNotEqualTo(name);
        assertThat(config(changed)).containsEntry("APP_STORAGE_MAX_FILE_SIZE", "50MB");
        for (Deployment deployment : changed.deployments()) {
            assertThat(Manifests.appContainer(deployment).getEnvFrom()).extracting(source -> source.getConfigMapRef().getName())
                    .containsExactly(renamed);
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyApplicationVariableSetsAPropertyTheApplicationHas(String overlay) {
        Manifests manifests = rendered(overlay);
        Set<String> properties = new TreeSet<>(AppProperties.keys());
        manifests.taskNames().forEach(task -> {
            properties.add("app.engine.worker-concurrency." + task.substring(0, task.indexOf('.')));
            properties.add("app.engine.worker-consumers." + task.substring(0, task.indexOf('.')));
        });

        for (Deployment deployment : manifests.deployments()) {
            Map<String, String> environment = manifests.environment(deployment);
            for (String variable : environment.keySet()) {
                if (variable.startsWith(KAFKA_PROPERTIES)) {
                    // app.kafka.properties.<Kafka client setting>, a map: its keys are Kafka's names
                    String key = variable.substring(KAFKA_PROPERTIES.length()).toLowerCase().replace('_', '.');
                    assertThat(AppProperties.kafka(environment).properties()).as(variable).containsKey(key);
                    assertThat(KAFKA_CLIENT_SETTINGS).as("%s: a setting of Kafka's clients", variable).contains(key);
                } else if (variable.startsWith("APP_") || variable.startsWith("SPRING_")) {
                    assertThat(AppProperties.propertiesSetBy(variable, properties))
                            .as("%s of %s sets no property in application.yml", variable, deployment.getMetadata().getName())
                            .isNotEmpty();
                }
            }
            // The key of a map binds only from the variable without "_" for "-" (APP_ENGINE_WORKERCONCURRENCY_OCR),
            // although a lookup of the one property finds both: prove each such variable takes effect.
            environment.keySet().stream().filter(v -> v.matches("APP_ENGINE_WORKER_?(CONCURRENCY|CONSUMERS)_.+")).forEach(variable -> {
                Map<String, String> probe = new HashMap<>(environment);
                probe.put(variable, "97");
                String domain = variable.substring(variable.lastIndexOf('_') + 1).toLowerCase();
                EngineSettings probed = AppProperties.engine(probe);
                assertThat(variable.contains("CONCURRENCY") ? probed.concurrency(domain) : probed.consumers(domain))
                        .as("%s takes effect", variable).isEqualTo(97);
            });
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyPodIsProbedOnTheApplicationsLivenessAndReadinessEndpoints(String overlay) {
        assertThat(AppProperties.value("management.endpoint.health.probes.add-additional-paths"))
                .as("/livez and /readyz on the main port").isEqualTo("true");
        int management = Integer.parseInt(config(rendered(overlay)).get("MANAGEMENT_SERVER_PORT"));
        assertThat(management).as("the actuator on a port of its own").isNotEqualTo(8080);
        for (Deployment deployment : rendered(overlay).deployments()) {
            Container container = Manifests.appContainer(deployment);
            String name = deployment.getMetadata().getName();
            assertThat(container.getPorts()).extracting(ContainerPort::getName, ContainerPort::getContainerPort)
                    .as(name).containsExactly(tuple("http", 8080), tuple("management", management));
            assertHttpProbe(name + " liveness", container.getLivenessProbe(), "/livez");
            assertHttpProbe(name + " readiness", container.getReadinessProbe(), "/readyz");
            Probe startup = container.getStartupProbe();
            assertHttpProbe(name + " startup", startup, "/livez");
            assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold())
                    .as("%s: seconds to start (the application needs 20-50 s, more on a busy node)", name)
                    .isGreaterThanOrEqualTo(120);
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void podsRunAsNonRootOnAReadOnlyRootFilesystemWithDataAndTmpOnVolumes(String overlay) {
        Manifests manifests = rendered(overlay);
        for (Deployment deployment : manifests.deployments()) {
            String name = deployment.getMetadata().getName();
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(name).isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser()).as(name).isPositive();
            assertThat(pod.getSecurityContext().getFsGroup()).as("%s: volumes writable by the user", name).isNotNull();
            Container container = Manifests.appContainer(deployment);
            assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).as(name).isFalse();
            assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).as(name).isTrue();
            assertThat(container.getSecurityContext().getCapabilities().getDrop()).as(name).containsExactly("ALL");

            String dataDir = manifests.environment(deployment).get("APP_DATA_DIR");
            assertThat(volumeAt(pod, container, dataDir).getEmptyDir()).as("%s: %s", name, dataDir).isNotNull();
            assertThat(volumeAt(pod, container, "/tmp").getEmptyDir()).as("%s: /tmp", name).isNotNull();
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void noPodGetsAServiceAccountTokenAndEveryPodDrainsBeforeItStops(String overlay) {
        int camelShutdown = Integer.parseInt(AppProperties.value("camel.main.shutdown-timeout"));
        for (Deployment deployment : rendered(overlay).deployments()) {
            String name = deployment.getMetadata().getName();
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            assertThat(pod.getAutomountServiceAccountToken()).as("%s: automountServiceAccountToken", name).isFalse();
            Container container = Manifests.appContainer(deployment);
            assertThat(container.getLifecycle()).as("%s: lifecycle", name).isNotNull();
            assertThat(container.getLifecycle().getPreStop().getSleep()).as("%s: preStop sleep", name).isNotNull();
            int preStop = container.getLifecycle().getPreStop().getSleep().getSeconds().intValue();
            assertThat(preStop).as("%s: seconds for the endpoints to drop the pod", name).isBetween(3, 15);
            assertThat(pod.getTerminationGracePeriodSeconds())
                    .as("%s: grace period past preStop (%d s) and Camel's shutdown (%d s), with time for Spring",
                            name, preStop, camelShutdown)
                    .isGreaterThanOrEqualTo(preStop + camelShutdown + 10L);
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theApiRoleRunsTheOrchestratorItsPodsPublishTheirAddressAndAnHpaScalesIt(String overlay) {
        Manifests manifests = rendered(overlay);
        List<Deployment> orchestrators = manifests.deployments().stream()
                .filter(d -> AppProperties.engine(manifests.environment(d)).orchestrator()).toList();
        assertThat(orchestrators).as("one role whose pods take the orchestrator lease in turn").singleElement();
        Deployment api = orchestrators.get(0);
        String name = api.getMetadata().getName();
        assertThat(api.getSpec().getReplicas()).as("%s: the HPA sets the replicas", name).isNull();

        // a pod that does not hold the lease forwards the calls that need the engine to the one that does
        Map<String, String> environment = manifests.environment(api);
        int port = Manifests.appContainer(api).getPorts().stream().filter(p -> "http".equals(p.getName()))
                .mapToInt(ContainerPort::getContainerPort).findFirst().orElseThrow();
        assertThat(environment).containsEntry("POD_IP", "field:status.podIP")
                .containsEntry("APP_ENGINE_ADVERTISED_URL", "http://$(POD_IP):" + port);
        List<String> names = Manifests.appContainer(api).getEnv().stream().map(EnvVar::getName).toList();
        assertThat(names.indexOf("POD_IP")).as("defined before the variable that refers to it")
                .isLessThan(names.indexOf("APP_ENGINE_ADVERTISED_URL"));

        assertThat(manifests.typed("HorizontalPodAutoscaler", HorizontalPodAutoscaler.class)).singleElement().satisfies(hpa -> {
            assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
            assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(name);
            assertThat(hpa.getSpec().getMinReplicas()).as("a standby to take the lease over").isGreaterThanOrEqualTo(2);
            assertThat(hpa.getSpec().getMaxReplicas()).isGreaterThan(hpa.getSpec().getMinReplicas());
            assertThat(hpa.getSpec().getMetrics()).singleElement().satisfies(metric -> {
                assertThat(metric.getResource().getName()).isEqualTo("cpu");
                assertThat(Manifests.appContainer(api).getResources().getRequests()).as("utilization is of the request")
                        .containsKey("cpu");
            });
        });
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void prometheusScrapesEveryRoleKafkaAndPostgresThroughPodMonitors(String overlay) {
        Manifests manifests = rendered(overlay);
        List<JsonNode> monitors = manifests.nodes("PodMonitor");
        assertThat(AppProperties.value("management.endpoints.web.exposure.include")).contains("prometheus");
        for (Deployment deployment : manifests.deployments()) {
            String name = deployment.getMetadata().getName();
            Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
            assertThat(monitors.stream().filter(m -> Manifests.selects(m.path("spec").path("selector"), labels)))
                    .as("PodMonitors of %s", name).singleElement()
                    .satisfies(monitor -> assertThat(monitor.path("spec").path("podMetricsEndpoints"))
                            .anySatisfy(endpoint -> {
                                assertThat(endpoint.path("port").asString()).isEqualTo("management");
                                assertThat(endpoint.path("path").asString()).isEqualTo("/actuator/prometheus");
                            }));
            assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                    .as("%s: one way to be scraped, else every series counts twice in a Prometheus that reads both", name)
                    .satisfiesAnyOf(a -> assertThat(a).isNull(), a -> assertThat(a).doesNotContainKey("prometheus.io/scrape"));
        }
        String kafka = kafkaCluster(manifests).path("metadata").path("name").asString();
        String database = manifests.nodes("Cluster").get(0).path("metadata").path("name").asString();
        assertThat(monitors).as("Strimzi's metrics port of the Kafka pods").anySatisfy(monitor -> {
            assertThat(monitor.path("spec").path("selector").path("matchLabels").path("strimzi.io/cluster").asString())
                    .isEqualTo(kafka);
            assertThat(monitor.path("spec").path("podMetricsEndpoints").get(0).path("port").asString()).isEqualTo("tcp-prometheus");
        });
        assertThat(monitors).as("CloudNativePG's exporter").anySatisfy(monitor -> {
            assertThat(monitor.path("spec").path("selector").path("matchLabels").path("cnpg.io/cluster").asString())
                    .isEqualTo(database);
            assertThat(monitor.path("spec").path("podMetricsEndpoints").get(0).path("port").asString()).isEqualTo("metrics");
        });
        Set<String> releases = new TreeSet<>();
        monitors.forEach(m -> releases.add(m.path("metadata").path("labels").path("release").asString()));
        assertThat(releases).as("the label kube-prometheus-stack selects PodMonitors by").hasSize(1).doesNotContain("");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyRoleIsClosedToTheNetworkButForWhatItNeeds(String overlay) {
        Manifests manifests = rendered(overlay);
        List<JsonNode> policies = manifests.nodes("NetworkPolicy");
        String kafka = kafkaCluster(manifests).path("metadata").path("name").asString();
        String kafkaPort = bootstrapServers(manifests).substring(bootstrapServers(manifests).lastIndexOf(':') + 1);
        String database = manifests.nodes("Cluster").get(0).path("metadata").path("name").asString();
        Matcher jdbc = Pattern.compile("jdbc:postgresql://[^:/]+:(\\d+)/.*").matcher(config(manifests).get("SPRING_DATASOURCE_URL"));
        assertThat(jdbc.matches()).isTrue();
        Set<String> egress = Set.of(
                "pods {strimzi.io/broker-role=true, strimzi.io/cluster=" + kafka + "} TCP/" + kafkaPort,
                "pods {cnpg.io/cluster=" + database + "} TCP/" + jdbc.group(1),
                "anywhere UDP/53", "anywhere TCP/53");

        for (Deployment deployment : manifests.deployments()) {
            String name = deployment.getMetadata().getName();
            Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
            boolean served = manifests.typed("Service", Service.class).stream()
                    .anyMatch(service -> labels.entrySet().containsAll(service.getSpec().getSelector().entrySet()));
            List<JsonNode> applying = policies.stream()
                    .filter(policy -> Manifests.selects(policy.path("spec").path("podSelector"), labels)).toList();

            assertThat(applying).as("%s: a policy that denies all in and out", name).anySatisfy(policy -> {
                assertThat(policy.path("spec").path("policyTypes")).extracting(JsonNode::asString).contains("Ingress", "Egress");
                assertThat(policy.path("spec").has("ingress") || policy.path("spec").has("egress")).isFalse();
            });
            Set<String> sources = new TreeSet<>();
            Set<String> destinations = new TreeSet<>();
            for (JsonNode policy : applying) {
                for (JsonNode rule : policy.path("spec").path("ingress")) {
                    assertThat(rule.path("ports")).as("%s: ports of %s", name, policy.path("metadata").path("name").asString())
                            .isNotEmpty();
                    for (String peer : peers(rule.path("from"))) {
                        rule.path("ports").forEach(port -> sources.add(peer + " " + port.path("port").asString()));
                    }
                }
                for (JsonNode rule : policy.path("spec").path("egress")) {
                    assertThat(rule.path("ports")).as("%s: egress to all ports", name).isNotEmpty();
                    for (String peer : peers(rule.path("to"))) {
                        rule.path("ports").forEach(port ->
                                destinations.add(peer + " " + port.path("protocol").asString() + "/" + port.path("port").asString()));
                    }
                }
            }
            assertThat(sources).as("%s: who may connect to which port", name).isEqualTo(served
                    ? Set.of("namespace monitoring management", "namespace ingress-nginx http", "this namespace http")
                    : Set.of("namespace monitoring management"));
            // the API pods forward calls that need the engine to the one holding the orchestrator lease
            Set<String> expected = new TreeSet<>(egress);
            if (served) {
                expected.add("pods " + new TreeMap<>(labels) + " TCP/http");
            }
            assertThat(destinations).as("%s: where it may connect", name).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyRoleMountsOneSharedStorageVolume(String overlay) {
        Manifests manifests = rendered(overlay);
        Set<String> claims = new TreeSet<>();
        for (Deployment deployment : manifests.deployments()) {
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            String storage = manifests.environment(deployment).get("APP_DATA_DIR") + "/storage";
            Volume volume = volumeAt(pod, Manifests.appContainer(deployment), storage);
            assertThat(volume.getPersistentVolumeClaim()).as("%s: %s", deployment.getMetadata().getName(), storage).isNotNull();
            claims.add(volume.getPersistentVolumeClaim().getClaimName());
        }
        assertThat(claims).as("one volume for all roles: they pass storage paths to each other").hasSize(1);
        PersistentVolumeClaim claim = ManifestSchemas.typed(
                manifests.get("PersistentVolumeClaim", claims.iterator().next()), PersistentVolumeClaim.class);
        if (!overlay.equals("local")) {
            // only the single-node overlay may use ReadWriteOnce: pods on other nodes could not mount it
            assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteMany");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyContainerRequestsAndLimitsItsResources(String overlay) {
        for (Deployment deployment : rendered(overlay).deployments()) {
            String name = deployment.getMetadata().getName();
            Map<String, Quantity> requests = Manifests.appContainer(deployment).getResources().getRequests();
            Map<String, Quantity> limits = Manifests.appContainer(deployment).getResources().getLimits();
            assertThat(requests).as(name).containsKeys("cpu", "memory");
            assertThat(limits).as(name).containsKey("memory");
            for (String resource : limits.keySet()) {
                assertThat(limits.get(resource).getNumericalAmount())
                        .as("%s: %s limit below its request", name, resource)
                        .isGreaterThanOrEqualTo(requests.get(resource).getNumericalAmount());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyDeploymentHasADisruptionBudgetAndEveryReferenceFindsItsTarget(String overlay) {
        Manifests manifests = rendered(overlay);
        List<PodDisruptionBudget> budgets = manifests.typed("PodDisruptionBudget", PodDisruptionBudget.class);
        for (Deployment deployment : manifests.deployments()) {
            Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
            assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(selector);
            assertThat(budgets).as("disruption budget of %s", deployment.getMetadata().getName())
                    .anySatisfy(budget -> assertThat(budget.getSpec().getSelector().getMatchLabels()).isEqualTo(selector));
        }
        for (Service service : manifests.typed("Service", Service.class)) {
            Deployment target = manifests.deployments().stream()
                    .filter(d -> d.getSpec().getTemplate().getMetadata().getLabels().entrySet()
                            .containsAll(service.getSpec().getSelector().entrySet()))
                    .findFirst().orElseThrow(() -> new AssertionError("Service " + service.getMetadata().getName() + " selects no pods"));
            service.getSpec().getPorts().forEach(port -> assertThat(Manifests.appContainer(target).getPorts())
                    .extracting(ContainerPort::getName).contains(port.getTargetPort().getStrVal()));
        }
        for (Ingress ingress : manifests.typed("Ingress", Ingress.class)) {
            ingress.getSpec().getRules().forEach(rule -> rule.getHttp().getPaths().forEach(path ->
                    manifests.get("Service", path.getBackend().getService().getName())));
        }
        for (JsonNode scaledObject : manifests.nodes("ScaledObject")) {
            manifests.get("Deployment", scaledObject.path("spec").path("scaleTargetRef").path("name").asString());
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theIngressAndServicesExposeTheApiAndTheDashboardOnlyNotTheActuator(String overlay) throws IOException {
        List<Ingress> ingresses = rendered(overlay).typed("Ingress", Ingress.class);
        assertThat(ingresses).hasSize(overlay.equals("local") ? 0 : 1);
        Path statics = Path.of("src/main/resources/static");
        try (Stream<Path> files = Files.walk(statics)) {
            assertThat(files.filter(Files::isRegularFile).map(f -> statics.relativize(f).toString().replace('\\', '/')))
                    .as("the dashboard's files, served under /dashboard/").isNotEmpty().allMatch(f -> f.startsWith("dashboard/"));
        }
        for (Ingress ingress : ingresses) {
            ingress.getSpec().getRules().forEach(rule -> {
                assertThat(rule.getHttp().getPaths()).extracting(HTTPIngressPath::getPath, HTTPIngressPath::getPathType)
                        .containsExactlyInAnyOrder(tuple("/api", "Prefix"), tuple("/dashboard", "Prefix"));
                rule.getHttp().getPaths().forEach(path ->
                        assertThat(path.getBackend().getService().getName()).isEqualTo("ai-pipeline-api"));
            });
            assertThat(ingress.getSpec().getDefaultBackend()).as("no default backend: every other path is refused").isNull();
        }
        for (Service service : rendered(overlay).typed("Service", Service.class)) {
            assertThat(service.getSpec().getPorts()).as("Service %s: not to the actuator's port", service.getMetadata().getName())
                    .allSatisfy(port -> assertThat(port.getTargetPort().getStrVal()).isEqualTo("http"));
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void prodBacksPostgresUpToAnObjectStoreWithCredentialsFromASecret(String overlay) {
        Manifests manifests = rendered(overlay);
        JsonNode cluster = manifests.nodes("Cluster").get(0);
        JsonNode store = cluster.path("spec").path("backup").path("barmanObjectStore");
        if (overlay.equals("local")) {
            // a placeholder bucket would fail every WAL archive and keep the WAL on the volume
            assertThat(store.isMissingNode()).as("no backup locally").isTrue();
            assertThat(manifests.nodes("ScheduledBackup")).isEmpty();
            return;
        }
        assertThat(store.path("destinationPath").asString()).startsWith("s3://");
        for (String credential : List.of("accessKeyId", "secretAccessKey")) {
            JsonNode reference = store.path("s3Credentials").path(credential);
            assertThat(reference.path("name").asString()).as(credential).isNotBlank();
            assertThat(reference.path("key").asString()).as(credential).isNotBlank();
        }
        assertThat(cluster.path("spec").path("backup").path("retentionPolicy").asString()).isNotBlank();
        assertThat(manifests.nodes("ScheduledBackup")).singleElement().satisfies(backup -> {
            assertThat(backup.path("spec").path("cluster").path("name").asString()).isEqualTo(cluster.path("metadata").path("name").asString());
            assertThat(backup.path("spec").path("method").asString()).isEqualTo("barmanObjectStore");
        });
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void noCredentialIsWrittenIntoTheManifests(String overlay) {
        Manifests manifests = rendered(overlay);
        assertThat(manifests.ofKind("Secret")).as("Secrets come from the operators or the cluster, not from k8s/").isEmpty();
        for (ConfigMap configMap : manifests.typed("ConfigMap", ConfigMap.class)) {
            assertThat(configMap.getData().keySet()).as(configMap.getMetadata().getName())
                    .noneMatch(key -> SECRET_NAME.matcher(key).matches());
        }
        for (Deployment deployment : manifests.deployments()) {
            manifests.environment(deployment).forEach((variable, value) -> {
                if (SECRET_NAME.matcher(variable).matches()) {
                    assertThat(value).as("%s of %s", variable, deployment.getMetadata().getName()).startsWith("secret:");
                }
            });
        }
        List<String> inline = new ArrayList<>();
        manifests.objects().forEach(object -> collectInlineCredentials(object, Kustomize.id(object), inline));
        assertThat(inline).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyRoleRunsTheSameTaggedImage(String overlay) {
        Set<String> images = rendered(overlay).deployments().stream()
                .map(d -> Manifests.appContainer(d).getImage()).collect(Collectors.toSet());
        assertThat(images).hasSize(1);
        String image = images.iterator().next();
        String tag = image.lastIndexOf(':') > image.lastIndexOf('/') ? image.substring(image.lastIndexOf(':') + 1) : "";
        assertThat(tag).as("tag of %s", image).isNotBlank().isNotEqualTo("latest");
    }

    static Map<String, String> config(Manifests manifests) {
        return ManifestSchemas.typed(manifests.generatedConfigMap(CONFIG), ConfigMap.class).getData();
    }

    static JsonNode kafkaCluster(Manifests manifests) {
        assertThat(manifests.nodes("Kafka")).as("Kafka clusters").hasSize(1);
        return manifests.nodes("Kafka").get(0);
    }

    /** APP_KAFKA_BOOTSTRAP_SERVERS: Strimzi's bootstrap service of the cluster, at the port of one of its listeners. */
    static String bootstrapServers(Manifests manifests) {
        listener(manifests);
        return config(manifests).get("APP_KAFKA_BOOTSTRAP_SERVERS");
    }

    /** The internal listener that APP_KAFKA_BOOTSTRAP_SERVERS names. */
    static JsonNode listener(Manifests manifests) {
        JsonNode kafka = kafkaCluster(manifests);
        String bootstrap = config(manifests).get("APP_KAFKA_BOOTSTRAP_SERVERS");
        for (JsonNode listener : kafka.path("spec").path("kafka").path("listeners")) {
            if (listener.path("type").asString().equals("internal") && bootstrap.equals(
                    kafka.path("metadata").path("name").asString() + "-kafka-bootstrap:" + listener.path("port").asInt())) {
                return listener;
            }
        }
        throw new AssertionError("no internal listener of the Kafka cluster at " + bootstrap);
    }

    static JsonNode scaledObjectOf(Manifests manifests, String deployment) {
        List<JsonNode> found = manifests.nodes("ScaledObject").stream()
                .filter(s -> s.path("spec").path("scaleTargetRef").path("name").asString().equals(deployment)).toList();
        assertThat(found).as("ScaledObjects of %s", deployment).hasSize(1);
        return found.get(0);
    }

    /** The engine's fixed topics: the constants of {@link Topics}, besides the task topics' prefix. */
    static Set<String> fixedTopics() {
        Set<String> topics = new TreeSet<>();
        for (Field field : Topics.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class && !field.getName().equals("TASK_PREFIX")) {
                try {
                    topics.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return topics;
    }

    /** The peers of a NetworkPolicy rule, in words; no peer at all means anywhere. */
    private static List<String> peers(JsonNode peers) {
        if (peers.isMissingNode() || peers.isEmpty()) {
            return List.of("anywhere");
        }
        List<String> described = new ArrayList<>();
        for (JsonNode peer : peers) {
            assertThat(peer.has("ipBlock")).as("no address ranges: %s", peer).isFalse();
            if (peer.has("namespaceSelector")) {
                assertThat(peer.has("podSelector")).as("a namespace, all its pods: %s", peer).isFalse();
                described.add("namespace " + peer.path("namespaceSelector").path("matchLabels").path("kubernetes.io/metadata.name").asString());
            } else if (peer.path("podSelector").isEmpty()) {
                described.add("this namespace");
            } else {
                assertThat(peer.path("podSelector").has("matchExpressions")).isFalse();
                Map<String, String> labels = new TreeMap<>();
                peer.path("podSelector").path("matchLabels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
                described.add("pods " + labels);
            }
        }
        return described;
    }

    private static void assertHttpProbe(String what, Probe probe, String path) {
        assertThat(probe).as(what).isNotNull();
        assertThat(probe.getHttpGet().getPath()).as(what).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).as(what).isEqualTo("http");
        assertThat(probe.getTimeoutSeconds()).as("%s timeout", what).isPositive();
    }

    private static Volume volumeAt(PodSpec pod, Container container, String mountPath) {
        VolumeMount mount = container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(mountPath)).findFirst()
                .orElseThrow(() -> new AssertionError("nothing mounted at " + mountPath));
        Map<String, Volume> volumes = new HashMap<>();
        pod.getVolumes().forEach(v -> volumes.put(v.getName(), v));
        assertThat(volumes).containsKey(mount.getName());
        return volumes.get(mount.getName());
    }

    /** Connection strings that carry a password (user:password@host, password=...). */
    private static void collectInlineCredentials(Object node, String where, List<String> found) {
        if (node instanceof Map<?, ?> map) {
            map.values().forEach(value -> collectInlineCredentials(value, where, found));
        } else if (node instanceof List<?> list) {
            list.forEach(value -> collectInlineCredentials(value, where, found));
        } else if (node instanceof String text && Pattern.compile("(?i)(password=|://[^/\\s:@]+:[^/\\s@]+@)").matcher(text).find()) {
            found.add(where + ": " + text);
        }
    }
}

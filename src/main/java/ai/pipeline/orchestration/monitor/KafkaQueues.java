package ai.pipeline.orchestration.monitor;

import ai.pipeline.orchestration.engine.TaskRegistry;
import ai.pipeline.orchestration.engine.Topics;
import ai.pipeline.platform.KafkaConnection;
import ai.pipeline.shared.task.TaskDefinition;
import ai.pipeline.shared.task.TaskFailure;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.springframework.stereotype.Component;

/**
 * What Kafka says about the work waiting and the processes taking it: per task topic its records,
 * the lag of its worker group and the consumers assigned to it; per host, the consumers it runs in
 * our groups (its roles) and the task types they take. A few Admin calls per request, no caching:
 * the page asks when an operator looks.
 */
@Component
public class KafkaQueues {

    private static final long TIMEOUT_S = 5;
    /** The engine's own consumer groups and what each means, besides the workers' {@code worker-<domain>}. */
    private static final Map<String, String> ENGINE_GROUPS = Map.of("orchestrator", "orchestrator",
            "pipeline-requests", "kafka-ingress", "ingress-outbox", "outbox");

    public record Queue(String topic, String task, String domain, String consumerGroup, int partitions, long records,
                        long lag, int consumers) {
    }

    public record Worker(String host, List<String> roles, List<String> taskTypes, int consumers, List<String> clientIds) {
    }

    public record Snapshot(List<Queue> queues, List<Worker> workers) {
    }

    private final KafkaConnection kafka;
    private final TaskRegistry tasks;

    public KafkaQueues(KafkaConnection kafka, TaskRegistry tasks) {
        this.kafka = kafka;
        this.tasks = tasks;
    }

    /** The queues and workers now; 503 when Kafka does not answer in time. */
    public Snapshot snapshot() {
        try {
            return read(kafka.admin());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TaskFailure.unavailable("interrupted while asking Kafka");
        } catch (ExecutionException | TimeoutException e) {
            throw TaskFailure.unavailable("Kafka did not answer: " + e.getMessage());
        }
    }

    private Snapshot read(Admin admin) throws InterruptedException, ExecutionException, TimeoutException {
        List<TaskDefinition> definitions = tasks.all().stream().sorted(Comparator.comparing(TaskDefinition::name)).toList();
        Set<String> existing = admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS);
        List<String> topics = definitions.stream().map(d -> Topics.forTask(d.name())).filter(existing::contains).toList();
        Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS);

        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        described.values().forEach(t -> t.partitions().forEach(p -> latest.put(new TopicPartition(t.name(), p.partition()),
                OffsetSpec.latest())));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get(TIMEOUT_S, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));

        Set<String> groups = new TreeSet<>(ENGINE_GROUPS.keySet());
        definitions.forEach(d -> groups.add(workerGroup(d)));
        Map<String, ConsumerGroupDescription> groupDescriptions = new HashMap<>();
        for (var group : admin.describeConsumerGroups(groups).describedGroups().entrySet()) {
            try {
                groupDescriptions.put(group.getKey(), group.getValue().get(TIMEOUT_S, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw e;
                }
                // a group that never formed (its door is off, or no process runs that domain): nobody consumes there
            }
        }

        List<Queue> queues = new ArrayList<>();
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committedByGroup = new HashMap<>();
        for (TaskDefinition definition : definitions) {
            String topic = Topics.forTask(definition.name());
            TopicDescription description = described.get(topic);
            if (description == null) {
                continue;
            }
            String group = workerGroup(definition);
            Map<TopicPartition, OffsetAndMetadata> committed = committedByGroup.get(group);
            if (committed == null) {   // one call per group, not per task
                committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                        .get(TIMEOUT_S, TimeUnit.SECONDS);
                committedByGroup.put(group, committed);
            }
            long records = 0;
            long lag = 0;
            for (var partition : description.partitions()) {
                TopicPartition tp = new TopicPartition(topic, partition.partition());
                long end = ends.getOrDefault(tp, 0L);
                OffsetAndMetadata offset = committed.get(tp);
                records += end;
                lag += Math.max(0, end - (offset == null ? 0 : offset.offset()));
            }
            long consumers = members(groupDescriptions.get(group)).stream()
                    .filter(m -> m.assignment().topicPartitions().stream().anyMatch(tp -> tp.topic().equals(topic)))
                    .count();
            queues.add(new Queue(topic, definition.name(), definition.domain(), group, description.partitions().size(),
                    records, lag, (int) consumers));
        }
        return new Snapshot(queues, workers(groupDescriptions));
    }

    /** Consumers grouped by the host they run on, with the roles and task types their groups and assignments say. */
    private static List<Worker> workers(Map<String, ConsumerGroupDescription> groups) {
        Map<String, TreeSet<String>> roles = new TreeMap<>();
        Map<String, TreeSet<String>> taskTypes = new TreeMap<>();
        Map<String, TreeSet<String>> clients = new TreeMap<>();
        groups.forEach((group, description) -> {
            for (MemberDescription member : members(description)) {
                String host = member.host().startsWith("/") ? member.host().substring(1) : member.host();
                roles.computeIfAbsent(host, h -> new TreeSet<>()).add(ENGINE_GROUPS.getOrDefault(group, group));
                clients.computeIfAbsent(host, h -> new TreeSet<>()).add(member.clientId());
                member.assignment().topicPartitions().stream().map(TopicPartition::topic)
                        .filter(topic -> topic.startsWith(Topics.TASK_PREFIX) && !topic.equals(Topics.TASKS_DEAD_LETTER))
                        .forEach(topic -> taskTypes.computeIfAbsent(host, h -> new TreeSet<>())
                                .add(topic.substring(Topics.TASK_PREFIX.length())));
            }
        });
        return roles.keySet().stream().map(host -> new Worker(host, List.copyOf(roles.get(host)),
                List.copyOf(taskTypes.getOrDefault(host, new TreeSet<>())), clients.get(host).size(),
                List.copyOf(clients.get(host)))).toList();
    }

    private static Collection<MemberDescription> members(ConsumerGroupDescription description) {
        return description == null ? List.of() : description.members();
    }

    private static String workerGroup(TaskDefinition definition) {
        return "worker-" + definition.domain();
    }
}

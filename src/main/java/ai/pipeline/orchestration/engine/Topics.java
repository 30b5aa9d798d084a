package ai.pipeline.orchestration.engine;

import ai.pipeline.platform.TopicDeclaration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.common.utils.Utils;

/** Every topic the engine uses. Task topics are {@code ai.tasks.<task name>}, one per registered task. */
public final class Topics implements TopicDeclaration {

    public static final String TASK_PREFIX = "ai.tasks.";
    public static final String RESULTS = "ai.task-results";
    public static final String EVENTS = "ai.pipeline.events";
    public static final String REQUESTS = "ai.pipeline.requests";
    public static final String CONTROL = "ai.pipeline.control";
    public static final String TASKS_DEAD_LETTER = "ai.tasks.dead-letter";
    public static final String REQUESTS_DEAD_LETTER = "ai.pipeline.requests.dead-letter";
    public static final String RESULTS_DEAD_LETTER = "ai.task-results.dead-letter";

    private final Collection<String> taskNames;

    Topics(Collection<String> taskNames) {
        this.taskNames = taskNames;
    }

    public static String forTask(String taskName) {
        return TASK_PREFIX + taskName;
    }

    /**
     * The partition of a task message: a hash of its start, which holds the chain and task ids. The
     * record key stays the chain id, but a chain's tasks (a group's members) spread over partitions
     * and so over worker consumers, and run in parallel.
     */
    public static int taskPartition(String taskMessage, int partitions) {
        byte[] head = taskMessage.substring(0, Math.min(taskMessage.length(), 120)).getBytes(StandardCharsets.UTF_8);
        return Utils.toPositive(Utils.murmur2(head)) % partitions;
    }

    /**
     * The partition of a group's {@code index}-th member: consecutive partitions from one picked by
     * the chain id. Worker consumers take partitions round-robin, so members land on different
     * consumers and run at the same time (a random pick would put two on one consumer, one after the other).
     */
    public static int memberPartition(String chainId, int index, int partitions) {
        return (Utils.toPositive(Utils.murmur2(chainId.getBytes(StandardCharsets.UTF_8))) + index) % partitions;
    }

    @Override
    public Collection<String> topics() {
        List<String> topics = new ArrayList<>(List.of(RESULTS, EVENTS, REQUESTS, CONTROL, TASKS_DEAD_LETTER,
                REQUESTS_DEAD_LETTER, RESULTS_DEAD_LETTER));
        taskNames.forEach(name -> topics.add(forTask(name)));
        return topics;
    }
}

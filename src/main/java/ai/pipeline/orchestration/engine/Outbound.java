package ai.pipeline.orchestration.engine;

import ai.pipeline.orchestration.engine.Messages.Dispatch;
import ai.pipeline.orchestration.engine.Messages.TaskMessage;
import ai.pipeline.orchestration.store.OutboxMessage;
import ai.pipeline.shared.task.TaskDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * What one engine transaction wants to happen once it commits: records to publish (through the
 * outbox, in order) and feeds for the join aggregator. Dispatches made while a group's members
 * start are bundled into one fan-out record, which the fan-out route multicasts.
 */
final class Outbound {

    /**
     * Where a group's fan-out goes, in the outbox: not a Kafka topic (it was one before engine v2),
     * but Camel's Multicast in the engine's process, which sends each member's message to its task
     * topic (the {@code orchestration-fan-out} route).
     */
    static final String FAN_OUT = "ai.orchestration.fan-out";

    /** A task message or a group's fan-out: a message that starts tasks. */
    static boolean isDispatch(OutboxMessage message) {
        return message.topic().equals(FAN_OUT)
                || message.topic().startsWith(Topics.TASK_PREFIX) && !message.topic().equals(Topics.TASKS_DEAD_LETTER);
    }

    private final JsonMapper json;
    private final List<OutboxMessage> messages = new ArrayList<>();
    private final List<JoinFeed> joinFeeds = new ArrayList<>();
    private final Deque<List<Dispatch>> fanOuts = new ArrayDeque<>();
    private final Deque<String[]> fanOutOwners = new ArrayDeque<>();
    private final List<Observation> observations = new ArrayList<>();

    /**
     * Something the metrics should count once the transaction commits: a pipeline started or
     * finished (a finished one also becomes its trace's root span), a task attempt finished (with
     * when it ran and how long it waited in its queue).
     */
    record Observation(boolean pipeline, String chainId, String name, String status, Instant from, Instant to,
                       Duration queueWait, String error) {

        Duration duration() {
            return between(from, to);
        }
    }

    Outbound(JsonMapper json) {
        this.json = json;
    }

    List<OutboxMessage> messages() {
        return messages;
    }

    List<JoinFeed> joinFeeds() {
        return joinFeeds;
    }

    void dispatch(TaskMessage message) {
        Dispatch dispatch = new Dispatch(Topics.forTask(message.task()), message);
        if (fanOuts.isEmpty()) {
            publish(dispatch.topic(), message.chainId(), message);
        } else {
            fanOuts.peek().add(dispatch);
        }
    }

    /** Dispatches until the matching {@link #endFanOut()} go out together; nested scopes join the outermost. */
    void beginFanOut(String chainId, String node) {
        if (fanOuts.isEmpty()) {
            fanOuts.push(new ArrayList<>());
            fanOutOwners.push(new String[] {chainId, node});
        } else {
            fanOuts.push(fanOuts.peek());
            fanOutOwners.push(fanOutOwners.peek());
        }
    }

    void endFanOut() {
        List<Dispatch> dispatches = fanOuts.pop();
        String[] owner = fanOutOwners.pop();
        if (!fanOuts.isEmpty() || dispatches.isEmpty()) {
            return;
        }
        if (dispatches.size() == 1) {
            publish(dispatches.get(0).topic(), owner[0], dispatches.get(0).message());
        } else {
            publish(FAN_OUT, owner[0], new Messages.FanOut(owner[0], owner[1], placed(owner[1], dispatches)));
        }
    }

    /** The fan-out's messages, each with its place among those to the same domain (in dispatch order). */
    private static List<Dispatch> placed(String fanOutNode, List<Dispatch> dispatches) {
        Map<String, Integer> perDomain = new HashMap<>();
        dispatches.forEach(dispatch -> perDomain.merge(TaskDefinition.domainOf(dispatch.message().task()), 1, Integer::sum));
        Map<String, Integer> placedPerDomain = new HashMap<>();
        List<Dispatch> placed = new ArrayList<>(dispatches.size());
        for (Dispatch dispatch : dispatches) {
            String domain = TaskDefinition.domainOf(dispatch.message().task());
            int ahead = placedPerDomain.merge(domain, 1, Integer::sum) - 1;
            placed.add(new Dispatch(dispatch.topic(),
                    dispatch.message().at(new Messages.FanOutPlace(fanOutNode, ahead, perDomain.get(domain)))));
        }
        return List.copyOf(placed);
    }

    void publish(String topic, String key, Object payload) {
        messages.add(new OutboxMessage(topic, key, json.writeValueAsString(payload)));
    }

    void feed(JoinFeed feed) {
        joinFeeds.add(feed);
    }

    List<Observation> observations() {
        return observations;
    }

    void observePipeline(String chainId, String pipeline, String status, Instant from, Instant to, String error) {
        observations.add(new Observation(true, chainId, pipeline, status, from, to, null, error));
    }

    void observeTask(String task, String outcome, Instant queued, Instant started, Instant finished) {
        observations.add(new Observation(false, null, task, outcome, started, finished, between(queued, started), null));
    }

    private static Duration between(Instant from, Instant to) {
        return from == null || to == null || to.isBefore(from) ? null : Duration.between(from, to);
    }
}

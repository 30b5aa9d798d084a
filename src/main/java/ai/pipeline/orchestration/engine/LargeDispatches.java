package ai.pipeline.orchestration.engine;

import ai.pipeline.orchestration.store.OutboxMessage;
import ai.pipeline.platform.KafkaTopics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Makes the engine's large dispatches small before they are sent or stored in the outbox: the
 * Claim Check EIP ({@link ClaimChecks}) applied to task inputs, as the workers apply it to results.
 */
final class LargeDispatches {

    private static final Logger log = LoggerFactory.getLogger(LargeDispatches.class);

    private final JsonMapper json;
    private final ClaimChecks claims;

    LargeDispatches(JsonMapper json, ClaimChecks claims) {
        this.json = json;
        this.claims = claims;
    }

    /**
     * The messages, with each large dispatch made small: a group's fan-out over
     * {@code app.engine.claim-check-above} goes as one message per member (not through the Multicast),
     * and a task message over it whose input is over it too has that input kept in storage, as a large
     * result is ({@link ClaimChecks}); one still too large for Kafka (a chord body given many members'
     * results) has its input kept in storage whatever its size. A run's tasks given the same input
     * share one file. So a large input is not copied into every member's message, nor into the outbox
     * row a client's start is published from (H2 writes a commit through one buffer: a group of 12 over
     * a 2 MB input made a 24 MB row, and writing it once needed 180 MB of heap). One that cannot be
     * made to fit stays as it is.
     */
    List<OutboxMessage> fitted(List<OutboxMessage> messages) {
        if (messages.stream().noneMatch(this::isLargeDispatch)) {
            return messages;
        }
        return fitted(messages, new HashMap<>());
    }

    /** A run's input as stored once: the key of the references shared by its tasks given the same input. */
    private record StoredInput(String chainId, String inputJson) {
    }

    private List<OutboxMessage> fitted(List<OutboxMessage> messages, Map<StoredInput, JsonNode> storedInputs) {
        List<OutboxMessage> fitted = new ArrayList<>();
        for (OutboxMessage message : messages) {
            if (!isLargeDispatch(message)) {
                fitted.add(message);
            } else if (message.topic().equals(Outbound.FAN_OUT)) {
                Messages.FanOut fanOut = json.readValue(message.payload(), Messages.FanOut.class);
                fitted.addAll(fitted(fanOut.dispatches().stream().map(d ->
                        new OutboxMessage(d.topic(), message.key(), json.writeValueAsString(d.message()))).toList(), storedInputs));
            } else {
                fitted.add(withInputInStorage(message, storedInputs));
            }
        }
        return fitted;
    }

    private OutboxMessage withInputInStorage(OutboxMessage message, Map<StoredInput, JsonNode> storedInputs) {
        Messages.TaskMessage m = json.readValue(message.payload(), Messages.TaskMessage.class);
        String input = m.input() == null || m.input().isNull() ? null : json.writeValueAsString(m.input());
        if (input == null || KafkaTopics.fits(message.payload()) && !claims.isSurelyOver(input)) {
            return message;   // large for its arguments, which travel as they are
        }
        try {
            // a reference is read back only within its own run (ClaimChecks.checkOut): shared within a run, not across
            StoredInput key = new StoredInput(m.chainId(), input);   // no copy of a multi-MB input per member
            JsonNode reference = storedInputs.get(key);
            if (reference == null) {
                reference = claims.storeInput(m.chainId(), m.taskId(), m.attempt(), input);
                storedInputs.put(key, reference);
            }
            return new OutboxMessage(message.topic(), message.key(), json.writeValueAsString(m.withInput(reference)));
        } catch (RuntimeException e) {
            log.error("Could not keep the input of task {} of run {} in storage: {}", m.node(), m.chainId(), e.toString());
            return message;
        }
    }

    private boolean isLargeDispatch(OutboxMessage message) {
        return Outbound.isDispatch(message) && (claims.isSurelyOver(message.payload()) || !KafkaTopics.fits(message.payload()));
    }
}

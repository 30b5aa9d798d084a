package ai.pipeline.ingress;

import ai.pipeline.orchestration.PipelineService;
import ai.pipeline.orchestration.canvas.CanvasJson;
import ai.pipeline.orchestration.canvas.InvalidCanvasException;
import ai.pipeline.orchestration.engine.PipelineEngine;
import ai.pipeline.orchestration.engine.Topics;
import ai.pipeline.orchestration.pipelines.PipelineCatalog;
import ai.pipeline.orchestration.pipelines.PipelineInputs;
import ai.pipeline.orchestration.scheduling.ScheduledStarts;
import ai.pipeline.orchestration.scheduling.StartControls;
import ai.pipeline.platform.KafkaBatches.DeferredCommits;
import ai.pipeline.platform.KafkaBatches.PollBatches;
import ai.pipeline.platform.TimeOrderedIds;
import org.apache.camel.component.kafka.KafkaConstants;
import ai.pipeline.shared.task.TaskFailure;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Starts pipelines from JSON requests on {@code ai.pipeline.requests}, a poll at a time:
 * {@code {"pipeline": "document", "input": {…}, "options": {…}}} or {@code {"canvas": {…}, "input": …}},
 * with an optional {@code request_id} that makes a resend start nothing new, and optional
 * {@code countdown_s} or {@code eta} and {@code callback_url} as on the REST starts. A named pipeline's input
 * and options, and a canvas's task arguments, are checked as on every door (a file in storage of a
 * format it takes; options and arguments the steps declare, of their types and within their bounds). A request that cannot start
 * goes to {@code ai.pipeline.requests.dead-letter} unchanged, with the reason in its {@code error}
 * header. A batch's offsets are committed once the runs it started are stored (the engine commits in
 * groups); a request read again after a crash maps to the run it started, by a chain id made from
 * the record's place in the topic.
 */
@Component("kafkaRequests")
public class KafkaRequests {

    private static final Logger log = LoggerFactory.getLogger(KafkaRequests.class);

    private final PipelineService pipelines;
    private final PipelineCatalog catalog;
    private final PipelineInputs inputs;
    private final CanvasJson canvasJson;
    private final JsonMapper json;
    private final ProducerTemplate producer;
    private final DeferredCommits offsets;
    private final PollBatches polls = new PollBatches();
    private final ScheduledStarts starts;

    KafkaRequests(PipelineService pipelines, PipelineCatalog catalog, PipelineInputs inputs, CanvasJson canvasJson,
                  JsonMapper json, ProducerTemplate producer, ScheduledStarts starts) {
        this.starts = starts;
        this.pipelines = pipelines;
        this.catalog = catalog;
        this.inputs = inputs;
        this.canvasJson = canvasJson;
        this.json = json;
        this.producer = producer;
        this.offsets = new DeferredCommits(pipelines::committedSequence);
    }

    /** One request record; the poll's requests are started together at its last record. */
    public void onRequest(Exchange record) {
        polls.gather(record, this::startPoll);
    }

    private void startPoll(List<Exchange> records) {
        pipelines.checkCommitting();
        offsets.commitDurable();
        List<PipelineEngine.StartRequest> valid = new ArrayList<>();
        for (Exchange record : records) {
            String body = record.getIn().getBody(String.class);
            try {
                Parsed parsed = parse(body);
                PipelineEngine.StartRequest request = parsed.request().withChainId(chainIdOf(record));
                if (starts.prepare(request, parsed.controls())) {
                    valid.add(request);   // else it waits as SCHEDULED, already stored
                }
            } catch (InvalidRequest | TaskFailure e) {
                if (e instanceof TaskFailure failure && failure.retryable()) {
                    throw failure;
                }
                log.warn("Refused a pipeline request: {}", e.getMessage());
                producer.sendBodyAndHeader("kafka:" + Topics.REQUESTS_DEAD_LETTER, body, "error", e.getMessage());
            }
        }
        long sequence = valid.isEmpty() ? pipelines.committedSequence() : pipelines.submitAll(valid);
        offsets.add(sequence, records);
    }

    /** The same record always names the same run: its partition, offset and timestamp (by which the id is ordered). */
    private static String chainIdOf(Exchange record) {
        long offset = record.getIn().getHeader(KafkaConstants.OFFSET, Long.class);
        long timestamp = record.getIn().getHeader(KafkaConstants.TIMESTAMP, Long.class);
        String place = Topics.REQUESTS + "/" + record.getIn().getHeader(KafkaConstants.PARTITION) + "/" + offset + "/" + timestamp;
        return TimeOrderedIds.chainIdFor(timestamp, offset, place);
    }

    private record Parsed(PipelineEngine.StartRequest request, StartControls controls) {
    }

    private Parsed parse(String body) {
        JsonNode request;
        try {
            request = json.readTree(body);
        } catch (RuntimeException e) {
            throw new InvalidRequest("not valid JSON");
        }
        if (request == null || !request.isObject()) {
            throw new InvalidRequest("expected a JSON object");
        }
        String requestId = request.hasNonNull("request_id") ? request.get("request_id").asString() : null;
        StartControls controls = starts.takeControls((ObjectNode) request);
        return new Parsed(startRequest(request, requestId), controls);
    }

    private PipelineEngine.StartRequest startRequest(JsonNode request, String requestId) {
        if (request.hasNonNull("pipeline")) {
            String name = request.get("pipeline").asString();
            JsonNode input = catalog.find(name).map(pipeline -> inputs.check(pipeline, request.get("input")))
                    .orElse(request.get("input"));
            return pipelines.requestFor(name, input, inputs.options(request.get("options")), requestId, "kafka");
        }
        if (request.hasNonNull("canvas")) {
            try {
                return pipelines.requestFor(canvasJson.parse(request.get("canvas")), request.get("input"), requestId, "kafka");
            } catch (InvalidCanvasException e) {
                throw new InvalidRequest("invalid canvas: " + e.getMessage());
            }
        }
        throw new InvalidRequest("expected \"pipeline\" or \"canvas\"");
    }

    /** Why a request cannot start. */
    private static final class InvalidRequest extends RuntimeException {
        InvalidRequest(String message) {
            super(message);
        }
    }
}

package ai.pipeline.ingress;

import ai.pipeline.orchestration.PipelineService;
import ai.pipeline.orchestration.canvas.CanvasJson;
import ai.pipeline.orchestration.canvas.InvalidCanvasException;
import ai.pipeline.orchestration.pipelines.PipelineCatalog;
import ai.pipeline.orchestration.pipelines.PipelineInputs;
import ai.pipeline.shared.task.TaskFailure;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Starts pipelines from JSON requests on {@code ai.pipeline.requests}:
 * {@code {"pipeline": "document", "input": {…}}} or {@code {"canvas": {…}, "input": …}}, with an
 * optional {@code request_id} that makes a resend start nothing new. A named pipeline's input is
 * checked as on every door (a file in storage of a format it takes). A request that cannot start
 * throws {@link InvalidRequestException}; the route sends it to the dead-letter topic with the reason.
 */
@Component("kafkaRequests")
public class KafkaRequests {

    /** Why a request was refused; the route copies the message into the dead letter's {@code error} header. */
    public static class InvalidRequestException extends RuntimeException {
        InvalidRequestException(String message) {
            super(message);
        }
    }

    private final PipelineService pipelines;
    private final PipelineCatalog catalog;
    private final PipelineInputs inputs;
    private final CanvasJson canvasJson;
    private final JsonMapper json;

    KafkaRequests(PipelineService pipelines, PipelineCatalog catalog, PipelineInputs inputs, CanvasJson canvasJson,
                  JsonMapper json) {
        this.pipelines = pipelines;
        this.catalog = catalog;
        this.inputs = inputs;
        this.canvasJson = canvasJson;
        this.json = json;
    }

    /** Returns the chain id of the started (or already started) pipeline. */
    public String start(String body) {
        JsonNode request;
        try {
            request = json.readTree(body);
        } catch (RuntimeException e) {
            throw new InvalidRequestException("not valid JSON");
        }
        if (request == null || !request.isObject()) {
            throw new InvalidRequestException("expected a JSON object");
        }
        String requestId = request.hasNonNull("request_id") ? request.get("request_id").asString() : null;
        try {
            if (request.hasNonNull("pipeline")) {
                String name = request.get("pipeline").asString();
                JsonNode input = catalog.find(name).map(pipeline -> inputs.check(pipeline, request.get("input")))
                        .orElse(request.get("input"));
                return pipelines.startPipeline(name, input, requestId, "kafka").chainId();
            }
            if (request.hasNonNull("canvas")) {
                return pipelines.startCanvas(canvasJson.parse(request.get("canvas")), request.get("input"), requestId, "kafka").chainId();
            }
        } catch (InvalidCanvasException e) {
            throw new InvalidRequestException("invalid canvas: " + e.getMessage());
        } catch (TaskFailure e) {
            if (e.retryable()) {
                throw e;
            }
            throw new InvalidRequestException(e.getMessage());
        }
        throw new InvalidRequestException("expected \"pipeline\" or \"canvas\"");
    }
}

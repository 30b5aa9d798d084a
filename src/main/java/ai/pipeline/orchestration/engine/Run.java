package ai.pipeline.orchestration.engine;

import ai.pipeline.orchestration.store.ChainRecords;
import ai.pipeline.orchestration.store.PipelineRow;
import ai.pipeline.orchestration.store.TaskRow;
import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One pipeline run being advanced inside a transaction: its plan, its records and the clock. */
final class Run {

    private final ChainRecords records;
    private final Plan plan;
    private final JsonMapper json;
    private final Instant now;
    private JsonNode input;
    private boolean retryScheduled;

    Run(ChainRecords records, Plan plan, JsonMapper json, Instant now) {
        this.records = records;
        this.plan = plan;
        this.json = json;
        this.now = now;
    }

    ChainRecords records() {
        return records;
    }

    PipelineRow pipeline() {
        return records.pipeline();
    }

    String chainId() {
        return records.pipeline().chainId;
    }

    Plan plan() {
        return plan;
    }

    Instant now() {
        return now;
    }

    TaskRow task(String node) {
        return records.task(node);
    }

    JsonNode input() {
        if (input == null) {
            String text = records.pipeline().input;
            input = text == null ? json.nullNode() : json.readTree(text);
        }
        return input;
    }

    /** A result of this run's rows (a task's or the pipeline's) as JSON; the tree is shared: never change it. */
    JsonNode parse(String text) {
        return text == null ? json.nullNode() : records.readResult(text, json::readTree);
    }

    JsonMapper json() {
        return json;
    }

    /** A task of this run now waits for its retry backoff: the engine's retry timer must look at this run. */
    void retryScheduled() {
        retryScheduled = true;
    }

    boolean hasRetryScheduled() {
        return retryScheduled;
    }
}

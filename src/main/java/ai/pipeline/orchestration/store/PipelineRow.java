package ai.pipeline.orchestration.store;

import java.time.Instant;

/** A {@code pipeline_execution} row; mutable while the engine works on it inside one transaction. */
public final class PipelineRow {
    public final String chainId;
    public final String pipeline;
    public final String canvas;
    public final String input;
    public final String requestId;
    public final String source;
    public final Instant createdAt;
    public PipelineStatus status;
    public String result;
    public String error;
    public String failedNode;
    public Instant startedAt;
    public Instant finishedAt;
    /** The run this one repeats ({@code POST …/rerun}); null for a run started afresh. */
    public String rerunOf;

    public PipelineRow(String chainId, String pipeline, String canvas, String input, String requestId, String source,
                       Instant createdAt, PipelineStatus status) {
        this.chainId = chainId;
        this.pipeline = pipeline;
        this.canvas = canvas;
        this.input = input;
        this.requestId = requestId;
        this.source = source;
        this.createdAt = createdAt;
        this.status = status;
    }

    // ---- state changes (the Advancer decides when; each keeps the row's fields consistent) ----

    /** Its first task reported, or its on-failure canvas starts before any did. */
    public void markRunning(Instant at) {
        status = PipelineStatus.RUNNING;
        startedAt = at;
    }

    /** Which node failed and why; the run ends FAILURE once its on-failure canvas, if it has one, is done. */
    public void recordFailure(String node, String why) {
        failedNode = node;
        error = why;
    }

    public void succeed(String resultJson) {
        status = PipelineStatus.SUCCESS;
        result = resultJson;
    }

    /** FAILURE, for the failure already recorded. */
    public void fail() {
        status = PipelineStatus.FAILURE;
    }

    public void fail(String why) {
        status = PipelineStatus.FAILURE;
        error = why;
    }

    public void cancel() {
        status = PipelineStatus.CANCELLED;
        error = "cancelled";
    }

    /** Its end state is set: the times (a run that ends before it ran started then too). */
    public void ended(Instant at) {
        if (startedAt == null) {
            startedAt = at;
        }
        finishedAt = at;
    }

    /** RUNNING again, from its failed tasks (a retry), with nothing of its failure left. */
    public void resume() {
        status = PipelineStatus.RUNNING;
        error = null;
        failedNode = null;
        result = null;
        finishedAt = null;
    }

    /** A copy of this row as it is now. */
    public PipelineRow copy() {
        PipelineRow copy = new PipelineRow(chainId, pipeline, canvas, input, requestId, source, createdAt, status);
        copy.result = result;
        copy.error = error;
        copy.failedNode = failedNode;
        copy.startedAt = startedAt;
        copy.finishedAt = finishedAt;
        copy.rerunOf = rerunOf;
        return copy;
    }
}

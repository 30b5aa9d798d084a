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

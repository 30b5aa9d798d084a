package ai.pipeline.orchestration.pipelines;

/** Published when a pipeline name becomes startable while the application runs (a new route file). */
public record PipelineAdded(String name) {
}

/**
 * Named pipelines: each a Camel route file ({@code routes/pipelines/<name>.camel.yaml} shipped, more
 * in {@code app.pipelines.dir}) read with Camel's YAML DSL into Camel's route model and compiled to
 * a canvas ({@link ai.pipeline.orchestration.pipelines.PipelineRouteCompiler}), collected by {@link
 * ai.pipeline.orchestration.pipelines.PipelineCatalog}; the input check every door applies before a
 * run is recorded ({@link ai.pipeline.orchestration.pipelines.PipelineInputs}); and the pipelines'
 * own steps ({@code pipeline.*} tasks), which compose domain results and call no model. Depends on
 * the canvas model, the task registry and {@code ai.pipeline.shared}, never on a domain.
 */
package ai.pipeline.orchestration.pipelines;

/**
 * Named pipelines: each a canvas defined once ({@code SeedPipelines}) as a {@link
 * ai.pipeline.orchestration.pipelines.PipelineDefinition} bean, collected by {@link
 * ai.pipeline.orchestration.pipelines.PipelineCatalog}; the input check every door applies before a
 * run is recorded ({@link ai.pipeline.orchestration.pipelines.PipelineInputs}); and the pipelines'
 * own steps ({@code pipeline.*} tasks), which compose domain results and call no model. Depends on
 * the canvas model and {@code ai.pipeline.shared}, never on a domain.
 */
package ai.pipeline.orchestration.pipelines;

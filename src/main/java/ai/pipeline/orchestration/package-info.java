/**
 * Composition of domain tasks into pipelines: the canvas model ({@code canvas}: chain, group,
 * chord, map), the engine that runs a canvas over Kafka ({@code engine}), the execution records
 * ({@code store}), built-in tasks ({@code tasks}), the pipeline API ({@code api}) and the addresses
 * of the dashboard page that uses it ({@code dashboard}). Orchestration decides and records; only
 * workers run domain code.
 */
package ai.pipeline.orchestration;

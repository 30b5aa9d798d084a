/**
 * The doors besides REST through which pipelines start: Kafka requests on
 * {@code ai.pipeline.requests} and (later) files dropped into the inbox. Each door only translates
 * and hands over to {@code ai.pipeline.orchestration.PipelineService}.
 */
package ai.pipeline.ingress;

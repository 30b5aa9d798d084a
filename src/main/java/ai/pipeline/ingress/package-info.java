/**
 * The doors besides REST through which pipelines start: JSON requests on {@code
 * ai.pipeline.requests} ({@code KafkaRequests}, route {@code ingress-kafka-requests}) and files
 * dropped into {@code <app.data-dir>/inbox/<pipeline>/} ({@code DropFolder}, route {@code
 * ingress-drop-folder}); and the outbox, {@code <app.data-dir>/outbox/<chain_id>.json}, written when a
 * named pipeline's run ends (route {@code ingress-outbox}). Each door only translates and hands over
 * to {@code ai.pipeline.orchestration.PipelineService}, after the input check every door shares.
 */
package ai.pipeline.ingress;

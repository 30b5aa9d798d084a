/**
 * The REST API under {@code /api/v1} for pipelines, declared in Camel's REST DSL
 * ({@code routes/rest/api-*.camel.yaml}); the beans here hold each verb's logic: starting the named
 * pipelines (JSON naming a file in storage, or a multipart upload), uploads and downloads
 * ({@code /files}), run-time canvases ({@code /workflows}), any run's record, tasks, history, cancel
 * and retry, and the AI pipeline's stage view. Also the API-wide parts: the OpenAPI document generated
 * from the REST DSL, the optional API-key check, and the event stream (Spring MVC). Answers use
 * {@code ai.pipeline.shared.api}: the envelope, the route configuration that writes it, the errors.
 */
package ai.pipeline.orchestration.api;

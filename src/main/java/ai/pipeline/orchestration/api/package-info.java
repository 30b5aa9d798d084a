/**
 * The REST API under {@code /api/v1} for pipelines: starting the named pipelines (JSON naming a file
 * in storage, or a multipart upload), uploads ({@code /files}), run-time canvases ({@code
 * /workflows}), any run's record, tasks, history, cancel and retry, and the AI pipeline's stage view.
 * Also the API-wide parts: the OpenAPI document's configuration and the optional API-key check.
 * Answers use {@code ai.pipeline.shared.api.ApiResponse}; errors are mapped by its exception handler.
 */
package ai.pipeline.orchestration.api;

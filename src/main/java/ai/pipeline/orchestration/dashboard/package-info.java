/**
 * The pipeline dashboard: a static page under {@code /dashboard/} (files in
 * {@code src/main/resources/static/dashboard}) that reads and controls pipelines through the public
 * REST API only. This package just maps its addresses; it depends on nothing else of ours.
 */
package ai.pipeline.orchestration.dashboard;

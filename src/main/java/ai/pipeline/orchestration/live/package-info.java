/**
 * Live updates for the dashboard: one Kafka consumer per process reads {@code ai.pipeline.events}
 * (route {@code orchestration-live-events}) and fans each event out, trimmed to what a page needs,
 * to the server-sent-event clients of {@code GET /api/v1/events/stream}. Each client has a bounded
 * queue; a client that falls behind is told to reload ({@code resync}) instead of holding memory,
 * and a client that went away is dropped at the next send or heartbeat. Reads only the event
 * topic's name and message shape from the engine; nothing depends on this package.
 */
package ai.pipeline.orchestration.live;

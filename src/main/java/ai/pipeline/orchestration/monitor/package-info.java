/**
 * Monitoring reads for the dashboard and operators: the task topics' records, lag and consumers and
 * the processes behind them, from Kafka's Admin API ({@code GET /api/v1/queues}, {@code /workers}).
 * Reads the engine's task registry and topic names and the platform's Kafka connection; changes nothing.
 */
package ai.pipeline.orchestration.monitor;

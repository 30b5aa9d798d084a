/**
 * Monitoring reads for the dashboard and operators: the task topics' records, lag and consumers and
 * the hosts behind them, from Kafka's Admin API ({@code GET /api/v1/queues}, {@code /workers});
 * the worker processes' activity (their reports on {@code ai.task-results} and their attempts);
 * a task's full story; the dead-letter topics and their replay; statistics computed in SQL.
 * Reads the engine's task registry, topic names and message types, the store and the platform's
 * Kafka connection; the only thing it writes is a replayed dead letter, back to its topic.
 */
package ai.pipeline.orchestration.monitor;

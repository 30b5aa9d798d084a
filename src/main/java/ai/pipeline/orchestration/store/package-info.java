/**
 * Execution records in SQL (H2 or PostgreSQL; the schema is Flyway's, {@code db/migration}), split
 * by who uses them:
 * <ul>
 * <li>{@link ai.pipeline.orchestration.store.ExecutionRecords}: the group commit's unit of work, every
 *     changed row written through the {@code orchestration-records} route (camel-sql batches);</li>
 * <li>{@link ai.pipeline.orchestration.store.OutboxStore}: {@code kafka_outbox}, what a commit
 *     publishes once it is stored;</li>
 * <li>{@link ai.pipeline.orchestration.store.ExecutionStore}: the records loaded for the engine,
 *     and the queries the API and the dashboard ask.</li>
 * </ul>
 * The row classes ({@code PipelineRow}, {@code TaskRow}, {@code AttemptRow}, {@code JoinRow}) and a
 * run's {@link ai.pipeline.orchestration.store.ChainRecords} are what the engine holds in memory.
 */
package ai.pipeline.orchestration.store;

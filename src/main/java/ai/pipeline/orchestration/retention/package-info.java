/**
 * What happens to runs after they end: {@code RunDeletion} removes a finished run's records and the
 * files it wrote ({@code RunOutputs}, by the rule of shared {@code RunFiles}, which the on-failure
 * compensation {@code core.remove_run_files} uses too), for {@code DELETE /api/v1/pipelines/{chain_id}} and for the
 * retention job; {@code RetentionJob} purges, on the instance that holds the orchestrator lease, runs
 * older than {@code app.retention.runs} and the files of every {@code RetainedFiles} (uploads, the
 * outbox, the drop folder's done and failed files) older than theirs. Depends on the engine (only for
 * "not held in memory" and the lease), the store and shared storage; other modules hear of deleted
 * runs through {@code RunsDeleted} and hand in their folders as {@code RetainedFiles}.
 */
package ai.pipeline.orchestration.retention;

/**
 * What happens around a run's start and end, beside the engine: runs started later ({@code countdown_s}
 * or {@code eta}: SCHEDULED in {@code scheduled_run} until due), periodic runs ({@code app.schedules},
 * cron, one run per tick across instances) and completion callbacks ({@code callback_url}: a signed
 * POST of the final record, retried with backoff). The timers run on the orchestrator lease holder only
 * (route group {@code lease-holder}); they start runs through {@link ai.pipeline.orchestration.PipelineService}
 * and read ended runs from the store, never changing the engine.
 */
package ai.pipeline.orchestration.scheduling;

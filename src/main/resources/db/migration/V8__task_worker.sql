-- The worker process (host/pid) running a task's current attempt, from its STARTED report: what
-- GET /api/v1/workers shows as running now, read from the records by every instance (it was each
-- process's own consumer of ai.task-results, kept in memory).
ALTER TABLE task_execution ADD COLUMN worker VARCHAR(200);

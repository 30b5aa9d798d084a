-- Re-runs and retention. Runs on H2 (MODE=PostgreSQL) and PostgreSQL.

-- A re-run names the run it repeats. No foreign key: a re-run outlives the run it repeats when that
-- one is deleted or purged first, and still says where it came from.
ALTER TABLE pipeline_execution ADD COLUMN rerun_of VARCHAR(36);
CREATE INDEX pipeline_execution_rerun_of ON pipeline_execution (rerun_of);

-- retention: the oldest finished runs first
CREATE INDEX pipeline_execution_finished ON pipeline_execution (finished_at);

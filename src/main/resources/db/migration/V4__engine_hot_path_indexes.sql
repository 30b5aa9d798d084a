-- Engine v2 finds due retries and open joins in memory: these indexes were read by nobody, and
-- every task or join state change rewrote their entries (with H2, their pages at every commit).
DROP INDEX task_execution_due;
DROP INDEX chain_join_open;

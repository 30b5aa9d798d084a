-- Engine v2: the orchestrator holds its runs in memory and stores their changes in group commits.

-- The chord join's aggregator keeps its state in memory, beside the engine's records of the same
-- runs, and rebuilds it from them after a restart: its own table is no longer written.
DROP TABLE chord_aggregation;

-- One orchestrator at a time: the instance named in `holder` runs it until `expires_at`; every group
-- commit renews the lease in its own transaction, checking `epoch`, so an instance that lost it
-- cannot write any more.
CREATE TABLE engine_lease (
    name        VARCHAR(50)  NOT NULL PRIMARY KEY,
    holder      VARCHAR(500),
    epoch       BIGINT       NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO engine_lease (name, holder, epoch, expires_at) VALUES ('orchestrator', NULL, 0, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00');

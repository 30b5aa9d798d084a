-- Where the orchestrator lease's holder answers REST calls (app.engine.advertised-url): an API
-- instance that does not hold the lease forwards the calls that need the engine there. Written
-- when the lease is taken, cleared when it is released. Runs on H2 (MODE=PostgreSQL) and PostgreSQL.
ALTER TABLE engine_lease ADD COLUMN holder_url VARCHAR(500);

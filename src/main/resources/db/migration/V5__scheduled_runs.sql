-- Countdown/ETA starts and periodic schedules. Runs on H2 (MODE=PostgreSQL) and PostgreSQL.

-- A run started with countdown_s or eta waits here until it is due: the API shows it as SCHEDULED under
-- the chain id it was given at once. The lease holder's timer claims it (claimed_at, after which it can no longer be cancelled here), starts it through
-- the engine under that chain id (a repeat start of the same chain id starts nothing new) and deletes
-- the row. A run cancelled while it waited stays here as CANCELLED; one that could not start
-- when due (its request_id taken meanwhile, a message too large) stays as FAILURE with the error. The columns the history search
-- reads have the names they have in pipeline_execution.
CREATE TABLE scheduled_run (
    chain_id     VARCHAR(36)  NOT NULL PRIMARY KEY,
    pipeline     VARCHAR(100) NOT NULL,
    status       VARCHAR(16)  NOT NULL,
    canvas       VARCHAR      NOT NULL,
    input        VARCHAR,
    request_id   VARCHAR(200),
    source       VARCHAR(16)  NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    due_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at  TIMESTAMP WITH TIME ZONE,
    claimed_at   TIMESTAMP WITH TIME ZONE,
    error        VARCHAR,
    CONSTRAINT scheduled_run_request UNIQUE (request_id)
);
CREATE INDEX scheduled_run_due ON scheduled_run (status, due_at);
CREATE INDEX scheduled_run_created ON scheduled_run (created_at DESC);

-- One row per tick of a periodic schedule (app.schedules), claimed before its run starts: the primary
-- key makes each tick run once across instances, even when another instance takes over mid-tick
-- (a claimed tick whose run did not start yet is started by whoever holds the lease next).
CREATE TABLE schedule_tick (
    schedule    VARCHAR(100) NOT NULL,
    tick_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    chain_id    VARCHAR(36)  NOT NULL,
    started     BOOLEAN      NOT NULL,
    claimed_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    error       VARCHAR,
    CONSTRAINT schedule_tick_pk PRIMARY KEY (schedule, tick_at)
);
CREATE INDEX schedule_tick_pending ON schedule_tick (started);

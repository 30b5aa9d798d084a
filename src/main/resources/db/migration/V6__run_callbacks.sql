-- Completion callbacks (callback_url on a start request). Runs on H2 (MODE=PostgreSQL) and PostgreSQL.

-- One row per run that asked for a callback, written before the run starts (so no end is missed):
-- PENDING until a POST of the run's final record was answered 2xx (DELIVERED) or the attempts ran
-- out (FAILED). No foreign key: the row is written before the run's own row, and a scheduled run
-- has none until it is due.
CREATE TABLE run_callback (
    chain_id         VARCHAR(36)   NOT NULL PRIMARY KEY,
    url              VARCHAR(2000) NOT NULL,
    state            VARCHAR(16)   NOT NULL,
    attempts         INT           NOT NULL,
    next_attempt_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at      TIMESTAMP WITH TIME ZONE
);
CREATE INDEX run_callback_due ON run_callback (state, next_attempt_at);

-- Every delivery attempt: when, the HTTP status the receiver answered (none when it could not be
-- reached) and what went wrong.
CREATE TABLE callback_attempt (
    chain_id      VARCHAR(36) NOT NULL,
    attempt       INT         NOT NULL,
    attempted_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    http_status   INT,
    error         VARCHAR,
    CONSTRAINT callback_attempt_pk PRIMARY KEY (chain_id, attempt)
);

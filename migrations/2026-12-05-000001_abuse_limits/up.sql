-- Limits that protect SMS and CPU, counted here so that every replica of a
-- service sees the same counts. One row per (limit, subject, fixed window):
-- a hit is one upsert that answers the window's new count, so two replicas
-- racing for the last slot cannot both take it. Old windows are pruned by the
-- services as they go (db::rate_limits::prune).
CREATE TABLE rate_limit_windows (
    scope        varchar(64)  NOT NULL,   -- which limit, e.g. 'core.sign_up.ip'
    subject      varchar(128) NOT NULL,   -- whom it counts: a client IP, a phone number, '*'
    window_start timestamptz  NOT NULL,
    hits         integer      NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, subject, window_start)
);
CREATE INDEX idx_rate_limit_windows_window_start ON rate_limit_windows (window_start);

-- Proofs that a phone number was verified with a code from the messaging
-- service. The client holds the token; only its SHA-256 is stored. A proof is
-- short-lived and used once (sign-up or password reset consumes it).
CREATE TABLE phone_proofs (
    id          bigserial   PRIMARY KEY,
    token_hash  bytea       NOT NULL,
    phone_no    varchar(20) NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    consumed_at timestamptz,
    CONSTRAINT uq_phone_proofs_token_hash UNIQUE (token_hash)
);

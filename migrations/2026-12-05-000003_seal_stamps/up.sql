-- A wholesaler's seal stamp (인감도장) as statements draw it: fetched once from
-- the URL in its business info, checked (PNG or JPEG, bounded bytes and
-- pixels) and kept in the object storage. Statements draw the stored copy, so
-- the URL a user typed is not fetched for every statement, and never from an
-- internal address. One row per attempt; the newest row for the user's current
-- URL is the one in use. A failed attempt is a row too, so a dead or refused
-- URL is not fetched again for every statement (an unreachable one is retried
-- after a while).
CREATE TABLE seal_stamps (
    id           bigserial    PRIMARY KEY,
    user_id      bigint       NOT NULL REFERENCES users (id),
    -- The business info's URL it was fetched from.
    source_url   varchar(255) NOT NULL,
    status       varchar(16)  NOT NULL
        CONSTRAINT ck_seal_stamps_status CHECK (status IN ('STORED', 'REFUSED', 'BROKEN', 'UNAVAILABLE')),
    -- Why it is not STORED, for the statement's metadata (no secrets: a reason, not a response).
    detail       varchar(255),
    storage_key  varchar(255),
    content_type varchar(32),
    byte_size    integer,
    width        integer,
    height       integer,
    created_at   timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT ck_seal_stamps_stored_has_object CHECK ((status = 'STORED') = (storage_key IS NOT NULL))
);
CREATE INDEX idx_seal_stamps_user_id_source_url ON seal_stamps (user_id, source_url, created_at DESC);

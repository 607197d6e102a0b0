-- Employees join with the owner's consent: an employee link starts PENDING and
-- acts for nobody until the owner (or an operator) approves it. Links made
-- before this migration were live and stay APPROVED, so no working employee is
-- locked out by the upgrade; owners can remove any of them (removeEmployee).
-- The default is PENDING so that an insert that does not say otherwise grants
-- nothing. The unique index on a live employee link still holds: a pending
-- employee has exactly one (pending) link.
ALTER TABLE wholesaler_connections
    ADD COLUMN status varchar(16) NOT NULL DEFAULT 'APPROVED'
        CONSTRAINT ck_wholesaler_connections_status CHECK (status IN ('PENDING', 'APPROVED'));
ALTER TABLE wholesaler_connections ALTER COLUMN status SET DEFAULT 'PENDING';

-- Sessions: every sign-in starts a family of refresh tokens; reissuing rotates
-- the family's one live token and keeps the rotated one (soft-deleted) so that
-- presenting it again is recognised as reuse and ends the whole family. A user
-- may have several live families (one per device); sign-out ends one. The
-- default gives every existing token (and a writer that predates families) a
-- family of its own, so services still running the previous build keep working
-- between the migration and their restart.
ALTER TABLE auth_tokens ADD COLUMN family uuid NOT NULL DEFAULT gen_random_uuid();
DROP INDEX uq_auth_tokens_user_id_live;
CREATE UNIQUE INDEX uq_auth_tokens_family_live ON auth_tokens (family) WHERE deleted_at IS NULL;
CREATE INDEX idx_auth_tokens_user_id_live ON auth_tokens (user_id) WHERE deleted_at IS NULL;
-- A presented refresh token is found by its digest, live or not (reuse detection).
CREATE INDEX idx_auth_tokens_refresh_token ON auth_tokens (refresh_token);

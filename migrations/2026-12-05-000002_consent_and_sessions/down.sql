-- Without the status column every link would act for its employer: end the
-- pending ones first so that going down grants no one access.
UPDATE wholesaler_connections SET deleted_at = now() WHERE status = 'PENDING' AND deleted_at IS NULL;
ALTER TABLE wholesaler_connections DROP COLUMN status;

-- One live refresh token per user again: keep each user's newest.
DROP INDEX idx_auth_tokens_refresh_token;
DROP INDEX idx_auth_tokens_user_id_live;
DROP INDEX uq_auth_tokens_family_live;
UPDATE auth_tokens SET deleted_at = now()
 WHERE deleted_at IS NULL
   AND id NOT IN (SELECT max(id) FROM auth_tokens WHERE deleted_at IS NULL GROUP BY user_id);
CREATE UNIQUE INDEX uq_auth_tokens_user_id_live ON auth_tokens (user_id) WHERE deleted_at IS NULL;
ALTER TABLE auth_tokens DROP COLUMN family;

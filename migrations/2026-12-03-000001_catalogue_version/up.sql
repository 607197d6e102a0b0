-- The catalogue's version: one number that every statement changing flowers or
-- flower types bumps in its own transaction. Core keeps the live catalogue in
-- memory and reads this number (one row, one index-free read) to know whether
-- what it holds is still what the database says, so a day view no longer
-- joins 2,000 flowers to find 300 lines' names.
CREATE TABLE catalogue_versions (
    id      boolean PRIMARY KEY DEFAULT true CHECK (id),
    version bigint  NOT NULL DEFAULT 0
);
INSERT INTO catalogue_versions DEFAULT VALUES;

-- Statement-level: a bulk import of thousands of flowers bumps it once per
-- statement. Concurrent catalogue writers queue on the row, which the rare
-- writers (the nightly auction import, an admin) can afford.
CREATE FUNCTION bump_catalogue_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalogue_versions SET version = version + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER flowers_bump_catalogue_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON flowers
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();
CREATE TRIGGER flower_types_bump_catalogue_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON flower_types
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalogue_version();

DROP FUNCTION related_user_ids(bigint);
DROP FUNCTION wire_grade(text);
DROP FUNCTION wire_int(bigint);
DROP FUNCTION wire_local_date(timestamptz);

CREATE TABLE catalogue_versions (
    id      boolean PRIMARY KEY DEFAULT true CHECK (id),
    version bigint  NOT NULL DEFAULT 0
);
INSERT INTO catalogue_versions DEFAULT VALUES;
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

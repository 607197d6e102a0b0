-- Helper functions diesel's CLI would generate (written out here so the
-- migration set is self-contained).
--
-- Usage in later migrations:
--   SELECT diesel_manage_updated_at('users');
-- installs a BEFORE UPDATE trigger that sets updated_at = now() whenever a row
-- changes and the UPDATE did not set updated_at itself. A statement that sets
-- updated_at explicitly (e.g. an import preserving original timestamps) wins.

CREATE OR REPLACE FUNCTION diesel_manage_updated_at(_tbl regclass) RETURNS VOID AS $$
BEGIN
    EXECUTE format('CREATE TRIGGER set_updated_at BEFORE UPDATE ON %s
                    FOR EACH ROW EXECUTE PROCEDURE diesel_set_updated_at()', _tbl);
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION diesel_set_updated_at() RETURNS trigger AS $$
BEGIN
    IF (
        NEW IS DISTINCT FROM OLD AND
        NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at
    ) THEN
        NEW.updated_at := current_timestamp;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER flower_types_bump_catalogue_version ON flower_types;
DROP TRIGGER flowers_bump_catalogue_version ON flowers;
DROP FUNCTION bump_catalogue_version();
DROP TABLE catalogue_versions;

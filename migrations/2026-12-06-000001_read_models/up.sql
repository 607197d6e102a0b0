-- Core's read models (crates/db/src/read_models) answer a list view in one
-- statement, so one snapshot: the catalogue version that kept core's
-- in-memory catalogue in step with the lines it read has no reader left.
DROP TRIGGER flower_types_bump_catalogue_version ON flower_types;
DROP TRIGGER flowers_bump_catalogue_version ON flowers;
DROP FUNCTION bump_catalogue_version();
DROP TABLE catalogue_versions;

-- The wire forms GraphQL answers, spelled once for every read model. Each is
-- one expression, neither STRICT nor reading a table, so PostgreSQL inlines
-- it into the statement that calls it (a function call per value cost a day
-- view more than the rest of its work).

-- LocalDate: the KST wall clock (fixed UTC+9) in ISO form without offset,
-- the fraction trimmed of trailing zeros and left out when zero
-- (`2023-01-09T13:45:12.34`, `2023-01-09T00:00:00`). NULL stays NULL.
-- STABLE as to_char is (an IMMUTABLE body may not call it and be inlined).
CREATE FUNCTION wire_local_date(instant timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT to_char((instant AT TIME ZONE 'UTC') + interval '9 hours', 'YYYY-MM-DD"T"HH24:MI:SS')
           || CASE WHEN to_char(instant AT TIME ZONE 'UTC', 'US') = '000000' THEN ''
                   ELSE '.' || rtrim(to_char(instant AT TIME ZONE 'UTC', 'US'), '0') END
$$;

-- Int: an id or count as GraphQL's 32-bit Int; out of range reads as the
-- largest Int, as core's resolvers answer it.
CREATE FUNCTION wire_int(value bigint) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN value BETWEEN -2147483648 AND 2147483647 THEN value::integer
                WHEN value IS NOT NULL THEN 2147483647 END
$$;

-- FlowerGrade: the stored 상/중/하 as the API's enum; NULL for anything else,
-- which a read model reports as not answerable (the resolvers raise an error).
CREATE FUNCTION wire_grade(stored text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE stored WHEN '상' THEN 'UPPER' WHEN '중' THEN 'MIDDLE' WHEN '하' THEN 'LOWER' END
$$;

-- Everyone a user has a live link with, whose private details (business
-- info, phone number) it may see: approved owner/employee colleagues (a
-- pending employee is nobody's colleague yet), the retailers that applied to
-- its company and were not rejected (so a wholesaler can judge an applicant,
-- and stops seeing one it turned down; an employee counts its employer's),
-- and the wholesalers that CONFIRMED its own applications (applying alone
-- opens nothing of the wholesaler's). Core's resolvers and its read models
-- both ask this one definition.
-- Not STRICT, so PostgreSQL inlines it into a FROM clause.
CREATE FUNCTION related_user_ids(viewer bigint) RETURNS SETOF bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH company AS (
        SELECT viewer AS id
        UNION SELECT employer_id FROM wholesaler_connections
              WHERE employee_id = viewer AND deleted_at IS NULL AND status = 'APPROVED'
        UNION SELECT employee_id FROM wholesaler_connections
              WHERE employer_id = viewer AND deleted_at IS NULL AND status = 'APPROVED'
        UNION SELECT w2.employee_id FROM wholesaler_connections w1
              JOIN wholesaler_connections w2
                ON w2.employer_id = w1.employer_id AND w2.deleted_at IS NULL AND w2.status = 'APPROVED'
              WHERE w1.employee_id = viewer AND w1.deleted_at IS NULL AND w1.status = 'APPROVED'
    )
    SELECT id FROM company
    UNION SELECT c.retailer_id FROM biz_connections c
          WHERE c.deleted_at IS NULL AND c.wholesaler_id IN (SELECT id FROM company)
            AND c.apply_status <> 'REJECTED'
    UNION SELECT c.wholesaler_id FROM biz_connections c
          WHERE c.deleted_at IS NULL AND c.retailer_id IN (SELECT id FROM company)
            AND c.apply_status = 'CONFIRMED'
$$;

-- The set as 2026-12-06-000001_read_models wrote it.
CREATE OR REPLACE FUNCTION related_user_ids(viewer bigint) RETURNS SETOF bigint
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

DROP FUNCTION related_party(bigint[], bigint);
DROP FUNCTION company_user_ids(bigint);

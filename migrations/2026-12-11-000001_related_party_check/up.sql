-- The rule of who sees whose private details (business info, phone number),
-- `related_user_ids`, in two forms: the set, for the resolvers, which look
-- up many users at once, and a check of one party, for the read models,
-- which show a page of parties. Building the whole set cost a wholesaler's
-- day view a scan of every connection of its company, where the check is an
-- index probe per party shown. Both read the company from one function, and
-- crates/db/tests/related_users.rs holds the two forms to one answer.
--
-- Each is one SELECT returning a set, and none is STRICT: PostgreSQL inlines
-- a function like that where it is read in a FROM clause. A function it
-- cannot inline has its body planned again on every statement that calls it
-- (about 0.25 ms, as much as the check itself).

-- The viewer and its approved owner/employee colleagues (a pending employee
-- is nobody's colleague yet).
CREATE FUNCTION company_user_ids(viewer bigint) RETURNS SETOF bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT viewer
    UNION SELECT employer_id FROM wholesaler_connections
          WHERE employee_id = viewer AND deleted_at IS NULL AND status = 'APPROVED'
    UNION SELECT employee_id FROM wholesaler_connections
          WHERE employer_id = viewer AND deleted_at IS NULL AND status = 'APPROVED'
    UNION SELECT w2.employee_id FROM wholesaler_connections w1
          JOIN wholesaler_connections w2
            ON w2.employer_id = w1.employer_id AND w2.deleted_at IS NULL AND w2.status = 'APPROVED'
          WHERE w1.employee_id = viewer AND w1.deleted_at IS NULL AND w1.status = 'APPROVED'
$$;

-- `party` if it is in related_user_ids of a viewer whose company (an array
-- of company_user_ids) is `company`, else no row: a colleague, a retailer
-- that applied to the company and was not rejected, or a wholesaler that
-- CONFIRMED the company's application. Each probe reads the live-pair index
-- (retailer_id, wholesaler_id).
CREATE FUNCTION related_party(company bigint[], party bigint) RETURNS SETOF bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT party
    WHERE party = ANY (company)
       OR EXISTS (SELECT 1 FROM biz_connections c
                  WHERE c.retailer_id = party AND c.wholesaler_id = ANY (company)
                    AND c.deleted_at IS NULL AND c.apply_status <> 'REJECTED')
       OR EXISTS (SELECT 1 FROM biz_connections c
                  WHERE c.wholesaler_id = party AND c.retailer_id = ANY (company)
                    AND c.deleted_at IS NULL AND c.apply_status = 'CONFIRMED')
$$;

-- The set, its company read from company_user_ids (the same answers).
CREATE OR REPLACE FUNCTION related_user_ids(viewer bigint) RETURNS SETOF bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH company AS (SELECT id FROM company_user_ids(viewer) AS company(id))
    SELECT id FROM company
    UNION SELECT c.retailer_id FROM biz_connections c
          WHERE c.deleted_at IS NULL AND c.wholesaler_id IN (SELECT id FROM company)
            AND c.apply_status <> 'REJECTED'
    UNION SELECT c.wholesaler_id FROM biz_connections c
          WHERE c.deleted_at IS NULL AND c.retailer_id IN (SELECT id FROM company)
            AND c.apply_status = 'CONFIRMED'
$$;

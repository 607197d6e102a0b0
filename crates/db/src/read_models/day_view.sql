-- A party's order sheets (the wholesaler's day view, the florist's orders) as
-- the JSON array of GraphQL `OrderSheet`s, with their parties, lines, custom
-- lines, totals and newest statement (see day_view.rs for the shape).
--
-- Binds: $1 retailer, $2 wholesaler (the party; the other is NULL), $3/$4 the
-- KST day [from, to), $5/$6 the sheets' offset and limit; $7/$8/$9 the lines'
-- page (offset, limit, newest first), $10/$11/$12 the custom lines' page;
-- $13 the viewer, $14 whether the viewer is an admin, $15 whether business
-- info is asked, $16 whether a date is (formatting them is most of the cost
-- of a line, so they are left NULL when no field shows them). {party}, {day} and {direction} are filled from a fixed set.
WITH page AS (
    SELECT * FROM order_sheets
    WHERE deleted_at IS NULL AND {party} AND {day}
    ORDER BY created_at {direction}, id {direction}
    OFFSET $5 LIMIT $6
),
-- Whose business info the viewer may see (asked only when it is shown).
entitled AS (
    SELECT id FROM related_user_ids($13) AS related(id) WHERE $15
),
-- The sheets' live parties; the private part only for the entitled.
parties AS (
    SELECT u.id, json_build_object(
               'id', wire_int(u.id), 'belongsTo', u.belongs_to, 'name', u.name,
               'businessInfo', CASE WHEN b.id IS NOT NULL THEN json_build_object(
                   'id', wire_int(b.id), 'companyName', b.company_name,
                   'companyPhoneNo', b.company_phone_no, 'employerName', b.employer_name,
                   'address', b.address, 'businessNo', b.business_no,
                   'businessMainCategory', b.business_main_category,
                   'businessSubCategory', b.business_sub_category,
                   'sealStampImgUrl', b.seal_stamp_img_url, 'bankAccount', b.bank_account,
                   'createdAt', CASE WHEN $16 THEN wire_local_date(b.created_at) END,
                   'updatedAt', CASE WHEN $16 THEN wire_local_date(b.updated_at) END, 'deletedAt', NULL) END,
               'applyStatus', NULL, 'bizConnectionId', NULL, 'deletedAt', NULL) AS party
    FROM users u
    LEFT JOIN business_infos b
           ON b.user_id = u.id AND b.deleted_at IS NULL AND $15
          AND (u.id = $13 OR $14 OR u.id IN (SELECT id FROM entitled))
    WHERE u.deleted_at IS NULL
      AND u.id IN (SELECT retailer_id FROM page UNION SELECT wholesaler_id FROM page)
),
sheets AS (
    SELECT s.created_at, s.id,
           oi.complete IS NOT FALSE AND ci.complete IS NOT FALSE AS complete,
           json_build_object(
               'id', wire_int(s.id),
               'orderNo', s.order_no,
               'retailer', r.party,
               'wholesaler', w.party,
               'orderItems', coalesce(oi.items, '[]'),
               'customOrderItems', coalesce(ci.items, '[]'),
               'totalFlowerQuantity', wire_int(coalesce(oi.quantity, 0) + coalesce(ci.quantity, 0)),
               'totalFlowerTypeCount', wire_int(coalesce(oi.types, 0) + coalesce(ci.types, 0)),
               'totalFlowerPrice', wire_int(coalesce(oi.price, 0) + coalesce(ci.price, 0)),
               'hasReceipt', rr.id IS NOT NULL,
               'recentReceipt', CASE WHEN rr.id IS NOT NULL THEN json_build_object(
                   'id', wire_int(rr.id), 'fileName', rr.file_name, 'filePath', rr.file_path,
                   'fileFormat', rr.file_format, 'metadata', rr.metadata,
                   'createdAt', CASE WHEN $16 THEN wire_local_date(rr.created_at) END,
                   'updatedAt', CASE WHEN $16 THEN wire_local_date(rr.updated_at) END, 'deletedAt', NULL) END,
               'isPriceUpdated', s.price_updated_at IS NOT NULL,
               'memo', s.memo,
               'createdAt', CASE WHEN $16 THEN wire_local_date(s.created_at) END,
               'updatedAt', CASE WHEN $16 THEN wire_local_date(s.updated_at) END,
               'deletedAt', NULL
           ) AS sheet
    FROM page s
    LEFT JOIN parties r ON r.id = s.retailer_id
    LEFT JOIN parties w ON w.id = s.wholesaler_id
    -- Every live line counts towards the totals (a gone flower still counts
    -- its type); only the page asked is built.
    LEFT JOIN LATERAL (
        SELECT json_agg(json_build_object(
                   'id', wire_int(l.id), 'quantity', l.quantity, 'grade', wire_grade(l.grade),
                   'price', l.price, 'memo', l.memo,
                   'createdAt', CASE WHEN $16 THEN wire_local_date(l.created_at) END,
                   'updatedAt', CASE WHEN $16 THEN wire_local_date(l.updated_at) END, 'deletedAt', NULL,
                   'flower', json_build_object(
                       'id', wire_int(l.flower_id), 'name', l.flower_name,
                       'images', to_json(coalesce(array_remove(l.images, NULL), '{}')),
                       'flowerType', json_build_object(
                           'id', wire_int(l.flower_type_id), 'name', l.type_name,
                           'imgUrl', l.type_img_url),
                       'flowerColor', CASE WHEN l.color_id IS NOT NULL THEN json_build_object(
                           'id', wire_int(l.color_id), 'name', l.color_name) END))
                   ORDER BY l.position) FILTER (WHERE l.in_page) AS items,
               bool_and(l.answerable) FILTER (WHERE l.in_page) AS complete,
               sum(l.quantity) AS quantity,
               count(DISTINCT l.flower_type_id) AS types,
               sum(coalesce(l.price, 0)) AS price
        FROM (
            SELECT ranked.*, ranked.position > $7 AND ranked.position <= $7 + $8 AS in_page
            FROM (
                SELECT i.id, i.quantity, i.grade, i.price, i.memo, i.created_at, i.updated_at,
                       i.flower_id, f.name AS flower_name, f.images, f.flower_type_id,
                       t.name AS type_name, t.img_url AS type_img_url,
                       c.id AS color_id, c.name AS color_name,
                       f.deleted_at IS NULL AND t.id IS NOT NULL AND wire_grade(i.grade) IS NOT NULL
                           AS answerable,
                       CASE WHEN $9 THEN row_number() OVER (ORDER BY i.created_at DESC, i.id DESC)
                            ELSE row_number() OVER (ORDER BY i.created_at, i.id) END AS position
                FROM order_items i
                JOIN flowers f ON f.id = i.flower_id
                LEFT JOIN flower_types t ON t.id = f.flower_type_id AND t.deleted_at IS NULL
                LEFT JOIN flower_colors c ON c.id = f.flower_color_id AND c.deleted_at IS NULL
                WHERE i.order_sheet_id = s.id AND i.deleted_at IS NULL
            ) ranked
        ) l
    ) oi ON true
    LEFT JOIN LATERAL (
        SELECT json_agg(json_build_object(
                   'id', wire_int(l.id), 'flowerName', l.flower_name,
                   'flowerTypeName', l.flower_type_name, 'quantity', l.quantity,
                   'grade', wire_grade(l.grade), 'price', l.price,
                   'createdAt', CASE WHEN $16 THEN wire_local_date(l.created_at) END,
                   'updatedAt', CASE WHEN $16 THEN wire_local_date(l.updated_at) END, 'deletedAt', NULL)
                   ORDER BY l.position) FILTER (WHERE l.in_page) AS items,
               bool_and(l.grade IS NULL OR wire_grade(l.grade) IS NOT NULL)
                   FILTER (WHERE l.in_page) AS complete,
               sum(coalesce(l.quantity, 0)) AS quantity,
               count(DISTINCT l.flower_type_name) AS types,
               sum(coalesce(l.price, 0)) AS price
        FROM (
            SELECT ranked.*, ranked.position > $10 AND ranked.position <= $10 + $11 AS in_page
            FROM (
                SELECT c.*,
                       CASE WHEN $12 THEN row_number() OVER (ORDER BY c.created_at DESC, c.id DESC)
                            ELSE row_number() OVER (ORDER BY c.created_at, c.id) END AS position
                FROM custom_order_items c
                WHERE c.order_sheet_id = s.id AND c.deleted_at IS NULL
            ) ranked
        ) l
    ) ci ON true
    LEFT JOIN LATERAL (
        SELECT * FROM order_sheet_receipts r
        WHERE r.order_sheet_id = s.id AND r.deleted_at IS NULL
        ORDER BY r.created_at DESC, r.id DESC LIMIT 1
    ) rr ON true
)
SELECT coalesce(json_agg(sheet ORDER BY created_at {direction}, id {direction}), '[]')::text AS body,
       coalesce(bool_and(complete), true) AS complete
FROM sheets

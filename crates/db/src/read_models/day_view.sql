-- A party's order sheets (the wholesaler's day view, the florist's orders) as
-- the JSON array of GraphQL `OrderSheet`s, with their parties, lines, custom
-- lines, totals and newest statement. Each {TypeName} is the JSON text of
-- the object of the fields a request asks of that type, as day_view.rs
-- declares them (see shape.rs).
--
-- Binds: $1 retailer, $2 wholesaler (the party; the other is NULL), $3/$4 the
-- KST day [from, to), $5/$6 the sheets' offset and limit; $7/$8 the lines'
-- page (offset, limit; 1-based array bounds from 0-based offsets), $9/$10
-- the custom lines'; $11 the viewer, $12 whether the viewer is an admin,
-- $13 whether business info is asked. {party}, {day} and the {…direction}s
-- are filled from a fixed set.
WITH page AS (
    SELECT * FROM order_sheets
    WHERE deleted_at IS NULL AND {party} AND {day}
    ORDER BY created_at {direction}, id {direction}
    OFFSET $5 LIMIT $6
),
-- The viewer's company, against which each party shown is checked
-- (`related_party`, see `party!` in day_view.rs): read once, and only when
-- business info is asked. Materialized, so the check is given a plain array.
company AS MATERIALIZED (
    SELECT array_agg(id) AS ids FROM company_user_ids($11) AS company(id) WHERE $13
),
sheets AS (
    SELECT s.created_at, s.id,
           oi.complete IS NOT FALSE AND ci.complete IS NOT FALSE AS complete,
           {OrderSheet} AS sheet
    FROM page s
    LEFT JOIN company k ON true
    -- Every live line counts towards the totals (a gone flower still counts
    -- its type). The lines are built in order into an array, of which the
    -- sheet answers the page asked ($7/$8): one sort per sheet, where
    -- numbering the lines for their page took a second. A line the
    -- resolvers answer with an error makes the sheet incomplete wherever it
    -- is on the list (when lines are asked at all).
    LEFT JOIN LATERAL (
        SELECT array_agg({OrderItem} ORDER BY l.created_at {lines_direction}, l.id {lines_direction})
                   FILTER (WHERE $8 > 0) AS items,
               bool_and(l.answerable) FILTER (WHERE $8 > 0) AS complete,
               sum(l.quantity) AS quantity,
               count(DISTINCT l.flower_type_id) AS types,
               sum(coalesce(l.price, 0)) AS price
        FROM (
            SELECT i.id, i.quantity, i.grade, i.price, i.memo, i.created_at, i.updated_at,
                   i.flower_id, f.name AS flower_name, f.images, f.flower_type_id,
                   t.name AS type_name, t.img_url AS type_img_url,
                   c.id AS color_id, c.name AS color_name,
                   f.deleted_at IS NULL AND t.id IS NOT NULL AND wire_grade(i.grade) IS NOT NULL
                       AS answerable
            FROM order_items i
            JOIN flowers f ON f.id = i.flower_id
            LEFT JOIN flower_types t ON t.id = f.flower_type_id AND t.deleted_at IS NULL
            LEFT JOIN flower_colors c ON c.id = f.flower_color_id AND c.deleted_at IS NULL
            WHERE i.order_sheet_id = s.id AND i.deleted_at IS NULL
        ) l
    ) oi ON true
    LEFT JOIN LATERAL (
        SELECT array_agg({CustomOrderItem}
                         ORDER BY l.created_at {custom_lines_direction}, l.id {custom_lines_direction})
                   FILTER (WHERE $10 > 0) AS items,
               bool_and(l.grade IS NULL OR wire_grade(l.grade) IS NOT NULL)
                   FILTER (WHERE $10 > 0) AS complete,
               sum(coalesce(l.quantity, 0)) AS quantity,
               count(DISTINCT l.flower_type_name) AS types,
               sum(coalesce(l.price, 0)) AS price
        FROM custom_order_items l
        WHERE l.order_sheet_id = s.id AND l.deleted_at IS NULL
    ) ci ON true
    LEFT JOIN LATERAL (
        SELECT * FROM order_sheet_receipts r
        WHERE r.order_sheet_id = s.id AND r.deleted_at IS NULL
        ORDER BY r.created_at DESC, r.id DESC LIMIT 1
    ) rr ON true
)
SELECT '[' || coalesce(string_agg(sheet, ',' ORDER BY created_at {direction}, id {direction}), '') || ']' AS body,
       coalesce(bool_and(complete), true) AS complete
FROM sheets

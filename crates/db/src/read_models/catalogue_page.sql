-- A page of the catalogue (`flowers(filter, pagination)`) as the JSON of
-- GraphQL `FlowersOutput`: the number of matches and the page's flowers with
-- type, colour and auction days. Each {TypeName} is the JSON text of the
-- object of the fields a request asks of that type, as catalogue_page.rs
-- declares them (see shape.rs).
--
-- Binds: $1/$2 auction days [from, to) and $3 the name pattern (see
-- db::catalogue::search_filters, which fills {filters}), $4/$5 offset and
-- limit, $6 the most auction days a flower answers. {order} is one of the
-- catalogue's two orders (images first, or by creation time either way).
-- {types} joins the flower types (`t`) only for a keyword, which also
-- matches type names: every flower has its type row (a NOT NULL foreign
-- key), so without a keyword the join would only cost a hash of all flowers.
WITH matched AS NOT MATERIALIZED (
    SELECT f.* FROM flowers f {types}
    WHERE f.deleted_at IS NULL {filters}
),
page AS (
    SELECT f.*, count(*) OVER () AS total, row_number() OVER (ORDER BY {order}) AS position
    FROM matched f
    ORDER BY {order} OFFSET $4 LIMIT $5
)
SELECT {FlowersOutput} AS body,
       -- A flower whose type is gone is answered by the resolvers (an error).
       coalesce(bool_and(t.id IS NOT NULL), true) AS complete
FROM page f
LEFT JOIN flower_types t ON t.id = f.flower_type_id AND t.deleted_at IS NULL
LEFT JOIN flower_colors c ON c.id = f.flower_color_id AND c.deleted_at IS NULL
-- The latest days a flower was sold (the resolvers' cap), oldest first.
LEFT JOIN LATERAL (
    SELECT '[' || string_agg({BiddingFlower}, ',' ORDER BY d.bidding_date, d.id) || ']' AS days
    FROM (
        SELECT * FROM bidding_flowers b
        WHERE b.flower_id = f.id AND b.deleted_at IS NULL
        ORDER BY b.bidding_date DESC, b.id DESC LIMIT $6
    ) d
) b ON true

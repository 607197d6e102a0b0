-- A page of the catalogue (`flowers(filter, pagination)`) as the JSON of
-- GraphQL `FlowersOutput`: the number of matches and the page's flowers with
-- type, colour and auction days (see catalogue_page.rs for the shape).
--
-- Binds: $1/$2 auction days [from, to) and $3 the name pattern (see
-- db::catalogue::search_filters, which fills {filters}), $4/$5 offset and
-- limit, $6 whether the auction days are asked. {order} is one of the
-- catalogue's two orders (images first, or by creation time either way).
WITH matched AS NOT MATERIALIZED (
    SELECT f.* FROM flowers f JOIN flower_types t ON t.id = f.flower_type_id
    WHERE f.deleted_at IS NULL {filters}
),
page AS (
    SELECT f.*, count(*) OVER () AS total, row_number() OVER (ORDER BY {order}) AS position
    FROM matched f
    ORDER BY {order} OFFSET $4 LIMIT $5
)
SELECT json_build_object(
           -- A page past the end has no rows to carry the count: count then.
           'resultCount', wire_int(coalesce(max(f.total), (SELECT count(*) FROM matched))),
           'items', coalesce(json_agg(json_build_object(
               'id', wire_int(f.id), 'name', f.name,
               'images', to_json(coalesce(array_remove(f.images, NULL), '{}')),
               'flowerType', CASE WHEN t.id IS NOT NULL THEN json_build_object(
                   'id', wire_int(t.id), 'name', t.name, 'imgUrl', t.img_url) END,
               'flowerColor', CASE WHEN c.id IS NOT NULL THEN json_build_object(
                   'id', wire_int(c.id), 'name', c.name) END,
               'biddingFlowers', coalesce(b.days, '[]'))
               ORDER BY f.position), '[]')
       )::text AS body,
       -- A flower whose type is gone is answered by the resolvers (an error).
       coalesce(bool_and(t.id IS NOT NULL), true) AS complete
FROM page f
LEFT JOIN flower_types t ON t.id = f.flower_type_id AND t.deleted_at IS NULL
LEFT JOIN flower_colors c ON c.id = f.flower_color_id AND c.deleted_at IS NULL
-- The latest days a flower was sold (the resolvers' cap), oldest first.
LEFT JOIN LATERAL (
    SELECT json_agg(json_build_object(
               'id', wire_int(d.id), 'biddingDate', wire_local_date(d.bidding_date))
               ORDER BY d.bidding_date, d.id) AS days
    FROM (
        SELECT * FROM bidding_flowers b
        WHERE b.flower_id = f.id AND b.deleted_at IS NULL AND $6
        ORDER BY b.bidding_date DESC, b.id DESC LIMIT $7
    ) d
) b ON true

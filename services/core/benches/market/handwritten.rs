//! The same data as the two GraphQL requests, fetched the way a careful
//! engineer would write it by hand: one prepared statement that builds the whole JSON
//! answer inside PostgreSQL. The benchmark compares core against this floor.

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text, Timestamptz};
use diesel_async::RunQueryDsl;

#[derive(QueryableByName)]
struct Json {
    #[diesel(sql_type = Text)]
    body: String,
}

/// One wholesaler's sheets of one KST day [from, to), with lines, flowers,
/// retailer, totals and the most recent statement, as JSON text.
pub async fn day_view(
    pool: &db::DbPool,
    wholesaler: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<String, String> {
    let mut conn = pool.get().await.map_err(|e| e.to_string())?;
    let row: Json = db::statement::prepared(DAY_VIEW)
        .bind::<BigInt, _>(wholesaler)
        .bind::<Timestamptz, _>(from)
        .bind::<Timestamptz, _>(to)
        .get_result(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    Ok(row.body)
}

/// A page of 50 flowers (images first), with type and auction days, as JSON.
pub async fn catalogue_page(pool: &db::DbPool, page: i64) -> Result<String, String> {
    let mut conn = pool.get().await.map_err(|e| e.to_string())?;
    let row: Json = db::statement::prepared(CATALOGUE_PAGE)
        .bind::<BigInt, _>(page * 50)
        .get_result(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
    Ok(row.body)
}

const DAY_VIEW: &str = "\
SELECT coalesce(json_agg(sheet ORDER BY created_at, id), '[]')::text AS body FROM (
  SELECT s.id, s.created_at, json_build_object(
    'id', s.id, 'orderNo', s.order_no, 'memo', s.memo, 'isPriceUpdated', s.price_updated_at IS NOT NULL,
    'retailer', json_build_object('id', r.id, 'name', r.name,
                                  'businessInfo', json_build_object('companyName', b.company_name)),
    'orderItems', coalesce(oi.items, '[]'),
    'customOrderItems', coalesce(ci.items, '[]'),
    'totalFlowerQuantity', coalesce(oi.quantity, 0) + coalesce(ci.quantity, 0),
    'totalFlowerTypeCount', coalesce(oi.types, 0) + coalesce(ci.types, 0),
    'totalFlowerPrice', coalesce(oi.price, 0) + coalesce(ci.price, 0),
    'hasReceipt', rr.id IS NOT NULL,
    'recentReceipt', CASE WHEN rr.id IS NOT NULL THEN
        json_build_object('id', rr.id, 'fileName', rr.file_name, 'filePath', rr.file_path) END
  ) AS sheet
  FROM order_sheets s
  JOIN users r ON r.id = s.retailer_id
  LEFT JOIN business_infos b ON b.user_id = r.id AND b.deleted_at IS NULL
  LEFT JOIN LATERAL (
    SELECT json_agg(json_build_object(
             'id', i.id, 'quantity', i.quantity, 'grade', i.grade, 'price', i.price,
             'flower', json_build_object('id', f.id, 'name', f.name, 'flowerType', json_build_object('name', t.name)))
           ORDER BY i.created_at, i.id) AS items,
           sum(i.quantity) AS quantity, count(DISTINCT f.flower_type_id) AS types,
           sum(coalesce(i.price, 0)) AS price
    FROM order_items i JOIN flowers f ON f.id = i.flower_id JOIN flower_types t ON t.id = f.flower_type_id
    WHERE i.order_sheet_id = s.id AND i.deleted_at IS NULL) oi ON true
  LEFT JOIN LATERAL (
    SELECT json_agg(json_build_object('id', c.id, 'flowerName', c.flower_name, 'quantity', c.quantity,
                                      'price', c.price) ORDER BY c.created_at, c.id) AS items,
           sum(coalesce(c.quantity, 0)) AS quantity, count(DISTINCT c.flower_type_name) AS types,
           sum(coalesce(c.price, 0)) AS price
    FROM custom_order_items c WHERE c.order_sheet_id = s.id AND c.deleted_at IS NULL) ci ON true
  LEFT JOIN LATERAL (
    SELECT id, file_name, file_path FROM order_sheet_receipts
    WHERE order_sheet_id = s.id AND deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 1) rr ON true
  WHERE s.wholesaler_id = $1 AND s.deleted_at IS NULL AND s.created_at >= $2 AND s.created_at < $3
) sheets";

const CATALOGUE_PAGE: &str = "\
SELECT json_build_object('resultCount', coalesce(max(total), 0), 'items', coalesce(json_agg(json_build_object(
         'id', p.id, 'name', p.name, 'images', coalesce(p.images, '{}'),
         'flowerType', json_build_object('id', t.id, 'name', t.name, 'imgUrl', t.img_url),
         'biddingFlowers', coalesce(bf.days, '[]')) ORDER BY p.rank), '[]'))::text AS body
FROM (
  SELECT f.*, count(*) OVER () AS total,
         row_number() OVER (ORDER BY f.images DESC NULLS LAST, f.id) AS rank
  FROM flowers f WHERE f.deleted_at IS NULL
  ORDER BY f.images DESC NULLS LAST, f.id OFFSET $1 LIMIT 50
) p
JOIN flower_types t ON t.id = p.flower_type_id
LEFT JOIN LATERAL (
  SELECT json_agg(json_build_object('biddingDate', b.bidding_date) ORDER BY b.bidding_date) AS days
  FROM bidding_flowers b WHERE b.flower_id = p.id AND b.deleted_at IS NULL) bf ON true";

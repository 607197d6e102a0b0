-- `make fuzz`, REST part: what the receipt service needs to do real work for
-- a fuzzer: business info for both parties (the supplier's stamp URL is one
-- the fetch guard refuses, so no fetch leaves the machine) and one order sheet
-- with priced, unpriced and free-text lines. psql variables: retailer,
-- wholesaler (user ids). Prints the sheet's id.
\set ON_ERROR_STOP on
INSERT INTO business_infos (user_id, company_name, company_phone_no, employer_name, address,
    business_no, business_main_category, business_sub_category, seal_stamp_img_url, bank_account)
VALUES (:wholesaler, '퍼즈도매', '02-579-0000', '김도매', '서울특별시 서초구 강남대로 27',
        '123-45-67890', '도소매', '화훼', 'http://127.0.0.1:9/seal.png', '농협 301-0000-0000-00'),
       (:retailer, '퍼즈꽃집', '02-000-0000', '이소매', '서울특별시 강남구', '987-65-43210',
        '소매', '화훼', '', '');
WITH sheet AS (
    INSERT INTO order_sheets (order_no, retailer_id, wholesaler_id)
    VALUES ('FUZZ00001', :retailer, :wholesaler) RETURNING id
), flowers AS (
    SELECT id, row_number() OVER (ORDER BY id) AS n FROM flowers ORDER BY id LIMIT 3
), lines AS (
    INSERT INTO order_items (order_sheet_id, retailer_id, wholesaler_id, flower_id, quantity, grade, price)
    SELECT sheet.id, :retailer, :wholesaler, flowers.id, 5 * flowers.n,
           (ARRAY['상', '중', '하'])[flowers.n], CASE WHEN flowers.n < 3 THEN 1500 * flowers.n END
    FROM sheet, flowers
), custom AS (
    INSERT INTO custom_order_items (order_sheet_id, retailer_id, wholesaler_id, flower_name,
        flower_type_name, quantity, grade, price)
    SELECT sheet.id, :retailer, :wholesaler, '리본', '부자재', 2, '상', 3000 FROM sheet
    UNION ALL SELECT sheet.id, :retailer, :wholesaler, '배송비', NULL, NULL, NULL, 5000 FROM sheet
)
SELECT id FROM sheet;

DROP TABLE batch_cart_to_order_logs;
DROP TABLE order_sheet_receipts;
DROP TABLE daily_order_items;
DROP TABLE custom_order_items;
DROP TABLE order_items;
DROP TABLE order_sheets;
DROP TABLE cart_items;
DROP TABLE shopping_sessions;

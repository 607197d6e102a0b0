DROP TABLE order_change_requests;
DROP TABLE order_cutoffs;
ALTER TABLE order_sheets DROP COLUMN cutoff_at;

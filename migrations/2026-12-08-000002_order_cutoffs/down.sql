DROP TABLE order_change_requests;
DROP TABLE order_cutoffs;

DROP TABLE flower_batch_process_logs;
DROP TABLE flower_batch_upload_logs;
DROP TABLE public_bidding_flowers;
DROP TABLE bidding_flowers;
DROP TABLE flowers;
DROP TABLE flower_types;
DROP TABLE flower_colors;

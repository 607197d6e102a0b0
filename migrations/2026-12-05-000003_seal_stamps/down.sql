DROP TABLE seal_stamps;

DROP TABLE phone_proofs;
DROP TABLE rate_limit_windows;

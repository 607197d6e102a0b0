DROP TABLE notification_outbox;
DROP TABLE sms_verifications;
DROP TABLE send_sms_logs;

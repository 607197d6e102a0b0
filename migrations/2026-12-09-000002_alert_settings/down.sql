DROP TABLE alert_settings;

DROP TABLE sign_in_throttles;
DROP TABLE wholesaler_connections;
DROP TABLE biz_connections;
DROP TABLE business_infos;
DROP TABLE auth_tokens;
DROP TABLE user_credentials;
DROP TABLE users;

-- Order alerts by SMS (issue 19), switchable per user. No row means the
-- role's default: on for a wholesaler's owner and for florists, off for
-- employees (they opt in).
CREATE TABLE alert_settings (
    user_id       bigint PRIMARY KEY REFERENCES users (id),
    order_alerts  boolean NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
SELECT diesel_manage_updated_at('alert_settings');

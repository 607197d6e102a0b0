-- Rows of the new kinds cannot be deleted (the table is append-only), so the
-- narrower checks come back NOT VALID: they hold for new rows only.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_subject_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_subject_check CHECK (subject IN
    ('ORDER_SHEET', 'ORDER_ITEM', 'CUSTOM_ORDER_ITEM', 'RECEIPT', 'BIZ_CONNECTION')) NOT VALID;

ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_action_check CHECK (action IN
    ('PLACED', 'DELETED', 'PRICED', 'ADDED', 'UPDATED', 'ISSUED',
     'APPLIED', 'CONFIRMED', 'REJECTED', 'REMOVED')) NOT VALID;

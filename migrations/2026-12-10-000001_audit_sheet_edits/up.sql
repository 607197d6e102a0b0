-- The audit timeline also records a florist's own changes (issue 19): lines
-- changed, added and removed before the cut-off, a sheet cancelled, and a
-- change request filed and answered. Widening a CHECK is additive: every
-- row written before still passes.

ALTER TABLE audit_events DROP CONSTRAINT audit_events_subject_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_subject_check CHECK (subject IN
    ('ORDER_SHEET', 'ORDER_ITEM', 'CUSTOM_ORDER_ITEM', 'RECEIPT', 'BIZ_CONNECTION',
     'CHANGE_REQUEST'));

ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_action_check CHECK (action IN
    ('PLACED', 'DELETED', 'PRICED', 'ADDED', 'UPDATED', 'ISSUED',
     'APPLIED', 'CONFIRMED', 'REJECTED', 'REMOVED',
     'CANCELLED', 'REQUESTED', 'ACCEPTED', 'DECLINED'));

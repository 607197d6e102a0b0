-- How often messaging answered that the provider refused a notification. A
-- refusal means nothing was sent, so the next attempt may send under a new
-- idempotency key (the key carries this count); a lost answer (timeout,
-- messaging down) keeps the key, so a send that did happen is not repeated.
ALTER TABLE notification_outbox ADD COLUMN refusals integer NOT NULL DEFAULT 0;

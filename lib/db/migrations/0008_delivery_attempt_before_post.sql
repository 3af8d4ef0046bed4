-- The attempt row is written before the POST (outcome 'sending') and settled after it, so a POST cut
-- short by a worker that died still leaves a row: the next delivery of the record closes it as
-- 'unknown' (the CRM may or may not have it; the same Idempotency-Key makes a repeat harmless).
alter table delivery_attempts drop constraint delivery_attempts_outcome_check;
alter table delivery_attempts add constraint delivery_attempts_outcome_check
  check (outcome in ('sending', 'delivered', 'transient', 'rejected', 'unknown'));

-- How long the POST took is unknown until it is settled, and stays so when it never was.
alter table delivery_attempts alter column duration_ms drop not null;

-- The next delivery of a record looks for its unsettled attempts; this keeps that look cheap.
create index delivery_attempts_sending on delivery_attempts (attendance_day_id) where outcome = 'sending';

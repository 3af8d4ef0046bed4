-- Outlier review: a person looked at an outlier record and marked it reviewed. Punches and records
-- are payroll data and are never deleted from the console; a reviewed outlier is hidden from the
-- review list's default view instead.
--
-- The review holds for the revision that was looked at: when late punches revise the record, its
-- content is new and it is back in the list until someone reviews it again.
alter table attendance_days
  add column reviewed_revision integer,
  add column reviewed_at timestamptz,
  add column reviewed_by text;

-- The review list reads outliers by date; outliers are a small share of all records.
create index attendance_days_outliers on attendance_days (date desc, id) where is_outlier;

-- izinkes schema, version 13: the officers' daily digest.
--
-- An officer who keeps the default (no `notification_prefs` row of kind 'officer', or one with
-- `immediate` = 0) hears of new files at their desk, messages and overdue items once a day: each
-- notice waits here until the office's digest goes out, then carries the time it was sent.
CREATE TABLE officer_digest_items (
  id {{ID}},
  office_id TEXT NOT NULL,
  officer_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  text TEXT NOT NULL,
  link TEXT NOT NULL,
  created_at TEXT NOT NULL,
  sent_at TEXT
);
CREATE INDEX officer_digest_items_pending ON officer_digest_items (office_id, sent_at, officer_id, id);

-- Per office: the office-local date of the last digest sent, so a day's digest goes once.
CREATE TABLE officer_digest_runs (
  office_id TEXT PRIMARY KEY,
  last_date TEXT NOT NULL,
  ran_at TEXT NOT NULL
);

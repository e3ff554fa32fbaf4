-- izinkes schema, version 14: offices set up and staffed without SQL (issue 16).
--
-- An office's public profile grows its website and service hours; an office can be closed
-- (`disabled_at`: no new applications, off the public pages; its files and permits stay).
ALTER TABLE offices ADD COLUMN website TEXT NOT NULL DEFAULT '';
ALTER TABLE offices ADD COLUMN service_hours TEXT NOT NULL DEFAULT '';
ALTER TABLE offices ADD COLUMN disabled_at TEXT;

-- Officers: when an account was deactivated (`active` = 0), and since when each role is held.
ALTER TABLE officers ADD COLUMN deactivated_at TEXT;
ALTER TABLE officer_roles ADD COLUMN granted_at TEXT;

-- One-time links for officers: an invitation (set a password, then enrol the authenticator).
-- Only the SHA-256 of the token is kept.
CREATE TABLE officer_tokens (
  token_hash TEXT PRIMARY KEY,
  officer_id TEXT NOT NULL REFERENCES officers(id),
  purpose TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);
CREATE INDEX officer_tokens_officer ON officer_tokens (officer_id);

-- What the office's administrators (and the instance's CLI) did to the office and its officers.
CREATE TABLE office_audit (
  id {{ID}},
  office_id TEXT NOT NULL,
  at TEXT NOT NULL,
  actor_id TEXT,
  actor_name TEXT NOT NULL,
  action TEXT NOT NULL,
  subject_id TEXT,
  subject_name TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX office_audit_office ON office_audit (office_id, id);

-- izinkes schema, version 2: the back office. Workflows as versioned data per office and permit
-- type; the application's position in its workflow, SLA clock and claim; step products
-- (checklist, Berita Acara, recommendation, draft SK, paraf, approval); revision rounds with the
-- replaced document versions; holidays and office settings; idempotent desk actions; TOTP.

CREATE TABLE workflow_versions (
  id TEXT PRIMARY KEY,
  office_id TEXT NOT NULL REFERENCES offices(id),
  permit_code TEXT NOT NULL,
  version BIGINT NOT NULL,
  preset_key TEXT NOT NULL,
  body TEXT NOT NULL,
  published_at TEXT NOT NULL,
  published_by TEXT,
  UNIQUE (office_id, permit_code, version)
);

CREATE TABLE office_workflows (
  office_id TEXT NOT NULL REFERENCES offices(id),
  permit_code TEXT NOT NULL,
  workflow_version_id TEXT NOT NULL REFERENCES workflow_versions(id),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (office_id, permit_code)
);

CREATE TABLE office_settings (
  office_id TEXT PRIMARY KEY REFERENCES offices(id),
  default_preset TEXT NOT NULL,
  count_cuti_bersama BIGINT NOT NULL,
  auto_approve_at_deadline BIGINT NOT NULL,
  warning_threshold_pct BIGINT NOT NULL,
  updated_at TEXT NOT NULL
);

ALTER TABLE applications ADD COLUMN workflow_version_id TEXT;
ALTER TABLE applications ADD COLUMN position TEXT;
ALTER TABLE applications ADD COLUMN step_key TEXT;
ALTER TABLE applications ADD COLUMN step_role TEXT;
ALTER TABLE applications ADD COLUMN step_entered_at TEXT;
ALTER TABLE applications ADD COLUMN step_due_on TEXT;
ALTER TABLE applications ADD COLUMN sla_received_on TEXT;
ALTER TABLE applications ADD COLUMN sla_paused_days BIGINT NOT NULL DEFAULT 0;
ALTER TABLE applications ADD COLUMN sla_paused_since TEXT;
ALTER TABLE applications ADD COLUMN due_on TEXT;
ALTER TABLE applications ADD COLUMN claimed_by TEXT;
ALTER TABLE applications ADD COLUMN claimed_until TEXT;
ALTER TABLE applications ADD COLUMN returned_by TEXT;
ALTER TABLE applications ADD COLUMN revision_round BIGINT NOT NULL DEFAULT 0;
ALTER TABLE applications ADD COLUMN escalated_step TEXT;
CREATE INDEX applications_desk ON applications (office_id, step_role, step_due_on);

CREATE TABLE application_products (
  office_id TEXT NOT NULL REFERENCES offices(id),
  application_id TEXT NOT NULL REFERENCES applications(id),
  step_key TEXT NOT NULL,
  product TEXT NOT NULL,
  data TEXT NOT NULL,
  officer_id TEXT NOT NULL,
  officer_name TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (application_id, step_key, product)
);

CREATE TABLE application_checks (
  office_id TEXT NOT NULL REFERENCES offices(id),
  application_id TEXT NOT NULL REFERENCES applications(id),
  requirement_key TEXT NOT NULL,
  ok BIGINT NOT NULL,
  note TEXT NOT NULL,
  officer_id TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (application_id, requirement_key)
);

CREATE TABLE revision_rounds (
  office_id TEXT NOT NULL REFERENCES offices(id),
  application_id TEXT NOT NULL REFERENCES applications(id),
  round BIGINT NOT NULL,
  step_key TEXT NOT NULL,
  asked_at TEXT NOT NULL,
  asked_by TEXT NOT NULL,
  asked_by_name TEXT NOT NULL,
  items TEXT NOT NULL,
  resubmitted_at TEXT,
  changes TEXT,
  PRIMARY KEY (application_id, round)
);

CREATE TABLE application_document_versions (
  id {{ID}},
  application_id TEXT NOT NULL REFERENCES applications(id),
  requirement_key TEXT NOT NULL,
  round BIGINT NOT NULL,
  filename TEXT NOT NULL,
  sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  mime TEXT NOT NULL,
  size BIGINT NOT NULL,
  attached_at TEXT NOT NULL,
  replaced_at TEXT NOT NULL
);

CREATE TABLE action_requests (
  key TEXT PRIMARY KEY,
  application_id TEXT NOT NULL,
  officer_id TEXT NOT NULL,
  at TEXT NOT NULL
);

CREATE TABLE holidays (
  id {{ID}},
  office_id TEXT,
  date TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  decree TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX holidays_date ON holidays (office_id, date);

ALTER TABLE officers ADD COLUMN totp_enabled_at TEXT;
ALTER TABLE sessions ADD COLUMN mfa_pending BIGINT NOT NULL DEFAULT 0;

CREATE TABLE officer_recovery_codes (
  officer_id TEXT NOT NULL REFERENCES officers(id),
  code_hash TEXT NOT NULL,
  used_at TEXT,
  PRIMARY KEY (officer_id, code_hash)
);

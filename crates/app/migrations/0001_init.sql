-- izinkes schema, version 1. One text for both backends: `{{ID}}` becomes an auto-increment
-- primary key of the backend (see db::render_migration). Timestamps are UTC text written from Rust
-- in one fixed-width format so they compare as text; dates are YYYY-MM-DD; flags are 0/1 BIGINTs.
-- Every table holding office data leads with office_id.

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE offices (
  id TEXT PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  short_name TEXT NOT NULL,
  regency_code TEXT NOT NULL,
  address TEXT NOT NULL,
  phone TEXT NOT NULL,
  email TEXT NOT NULL,
  timezone TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE catalog_versions (
  version BIGINT PRIMARY KEY,
  published TEXT NOT NULL,
  body TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  imported_at TEXT NOT NULL
);

CREATE TABLE office_permit_types (
  office_id TEXT NOT NULL REFERENCES offices(id),
  permit_code TEXT NOT NULL,
  enabled BIGINT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (office_id, permit_code)
);

CREATE TABLE applicants (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  full_name TEXT NOT NULL,
  identity_type TEXT NOT NULL,
  identity_number TEXT NOT NULL UNIQUE,
  phone TEXT NOT NULL,
  address TEXT NOT NULL,
  village_code TEXT NOT NULL,
  email_verified_at TEXT,
  profile TEXT NOT NULL,
  photo_sha256 TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE officers (
  id TEXT PRIMARY KEY,
  office_id TEXT NOT NULL REFERENCES offices(id),
  email TEXT NOT NULL UNIQUE,
  full_name TEXT NOT NULL,
  nip TEXT,
  position TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  totp_secret TEXT,
  active BIGINT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE officer_roles (
  office_id TEXT NOT NULL REFERENCES offices(id),
  officer_id TEXT NOT NULL REFERENCES officers(id),
  role TEXT NOT NULL,
  PRIMARY KEY (officer_id, role)
);

CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  subject_kind TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  office_id TEXT,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_subject ON sessions (subject_kind, subject_id);

CREATE TABLE account_tokens (
  token_hash TEXT PRIMARY KEY,
  applicant_id TEXT NOT NULL REFERENCES applicants(id),
  purpose TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);

CREATE TABLE login_failures (
  id {{ID}},
  key TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);

CREATE TABLE blobs (
  sha256 TEXT PRIMARY KEY,
  size BIGINT NOT NULL,
  mime TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE documents (
  id TEXT PRIMARY KEY,
  applicant_id TEXT NOT NULL REFERENCES applicants(id),
  title TEXT NOT NULL,
  filename TEXT NOT NULL,
  sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  mime TEXT NOT NULL,
  size BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE INDEX documents_applicant ON documents (applicant_id, deleted_at);

CREATE TABLE applications (
  id TEXT PRIMARY KEY,
  office_id TEXT NOT NULL REFERENCES offices(id),
  applicant_id TEXT NOT NULL REFERENCES applicants(id),
  permit_code TEXT NOT NULL,
  profession TEXT NOT NULL,
  catalog_version BIGINT NOT NULL REFERENCES catalog_versions(version),
  status TEXT NOT NULL,
  registration_number TEXT,
  applicant_data TEXT NOT NULL,
  answers TEXT NOT NULL,
  step1_done BIGINT NOT NULL,
  step2_done BIGINT NOT NULL,
  holder_name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  submitted_at TEXT,
  lock_version BIGINT NOT NULL,
  UNIQUE (office_id, registration_number)
);
CREATE INDEX applications_applicant ON applications (applicant_id, created_at);
CREATE INDEX applications_office_status ON applications (office_id, status, submitted_at);

CREATE TABLE application_documents (
  application_id TEXT NOT NULL REFERENCES applications(id),
  requirement_key TEXT NOT NULL,
  document_id TEXT REFERENCES documents(id),
  filename TEXT NOT NULL,
  sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  mime TEXT NOT NULL,
  size BIGINT NOT NULL,
  attached_at TEXT NOT NULL,
  PRIMARY KEY (application_id, requirement_key)
);

CREATE TABLE application_history (
  id {{ID}},
  office_id TEXT NOT NULL REFERENCES offices(id),
  application_id TEXT NOT NULL REFERENCES applications(id),
  seq BIGINT NOT NULL,
  at TEXT NOT NULL,
  actor_kind TEXT NOT NULL,
  actor_id TEXT,
  actor_name TEXT NOT NULL,
  actor_role TEXT,
  action TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  step TEXT,
  public_note TEXT,
  internal_note TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  UNIQUE (application_id, seq)
);

CREATE TABLE outbox (
  id {{ID}},
  office_id TEXT,
  channel TEXT NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  attempts BIGINT NOT NULL,
  next_attempt_at TEXT NOT NULL,
  lease_until TEXT,
  sent_at TEXT,
  transport TEXT,
  last_error TEXT
);
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);

CREATE TABLE counters (
  office_id TEXT NOT NULL,
  name TEXT NOT NULL,
  period TEXT NOT NULL,
  value BIGINT NOT NULL,
  PRIMARY KEY (office_id, name, period)
);

CREATE TABLE access_log (
  id {{ID}},
  office_id TEXT,
  at TEXT NOT NULL,
  actor_kind TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  object_kind TEXT NOT NULL,
  object_id TEXT NOT NULL,
  action TEXT NOT NULL
);

-- izinkes schema, version 12: complaints (pengaduan). A complaint per office with its own number
-- (counters: name 'complaint', period = year), its steps as events (one row each, appended in the
-- transaction of the step), its evidence (blobs, like every upload), and each office's complaint
-- channels and severity deadlines. Timestamps are UTC text; due_at compares as text.

CREATE TABLE complaints (
  id TEXT PRIMARY KEY,
  office_id TEXT NOT NULL REFERENCES offices(id),
  number TEXT NOT NULL UNIQUE,
  channel TEXT NOT NULL,
  status TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  complainant_name TEXT NOT NULL,
  contact_email TEXT NOT NULL,
  contact_phone TEXT NOT NULL,
  applicant_id TEXT REFERENCES applicants(id),
  application_id TEXT REFERENCES applications(id),
  recorded_by TEXT REFERENCES officers(id),
  category TEXT,
  severity TEXT,
  due_at TEXT,
  assigned_to TEXT REFERENCES officers(id),
  lapor_reference TEXT,
  answer TEXT,
  answered_at TEXT,
  first_answered_at TEXT,
  answered_in_time BIGINT,
  closed_at TEXT,
  escalated_at TEXT,
  received_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  lock_version BIGINT NOT NULL
);
CREATE INDEX complaints_desk ON complaints (office_id, status, due_at);
CREATE INDEX complaints_period ON complaints (office_id, received_at);

CREATE TABLE complaint_events (
  id {{ID}},
  office_id TEXT NOT NULL REFERENCES offices(id),
  complaint_id TEXT NOT NULL REFERENCES complaints(id),
  at TEXT NOT NULL,
  actor_kind TEXT NOT NULL,
  actor_id TEXT,
  actor_name TEXT NOT NULL,
  action TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  note TEXT NOT NULL,
  public BIGINT NOT NULL
);
CREATE INDEX complaint_events_of ON complaint_events (complaint_id, id);

CREATE TABLE complaint_attachments (
  id TEXT PRIMARY KEY,
  office_id TEXT NOT NULL REFERENCES offices(id),
  complaint_id TEXT NOT NULL REFERENCES complaints(id),
  event_id BIGINT NOT NULL,
  filename TEXT NOT NULL,
  sha256 TEXT NOT NULL REFERENCES blobs(sha256),
  mime TEXT NOT NULL,
  size BIGINT NOT NULL,
  uploaded_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX complaint_attachments_of ON complaint_attachments (complaint_id, created_at);

CREATE TABLE complaint_settings (
  office_id TEXT PRIMARY KEY REFERENCES offices(id),
  address TEXT NOT NULL,
  phone TEXT NOT NULL,
  fax TEXT NOT NULL,
  email TEXT NOT NULL,
  website TEXT NOT NULL,
  lapor_url TEXT NOT NULL,
  box_note TEXT NOT NULL,
  forwards_to_lapor BIGINT NOT NULL,
  ringan_hours BIGINT NOT NULL,
  sedang_days BIGINT NOT NULL,
  berat_days BIGINT NOT NULL,
  updated_at TEXT NOT NULL
);

-- izinkes schema, version 4: issued permits. The number is assigned once when a file becomes
-- ready to sign and is never reused; the signed PDF is stored immutably with its SHA-256; the
-- public verification page is keyed by a random token. Plus the office's letterhead, number
-- patterns and signing setup, and the print and handover register.

CREATE TABLE office_documents (
  office_id TEXT PRIMARY KEY REFERENCES offices(id),
  government TEXT NOT NULL,
  office_title TEXT NOT NULL,
  address TEXT NOT NULL,
  contact TEXT NOT NULL,
  place TEXT NOT NULL,
  layout TEXT NOT NULL,
  logo_sha256 TEXT,
  signer_kind TEXT NOT NULL,
  signer_name TEXT NOT NULL,
  signer_position TEXT NOT NULL,
  signer_nip TEXT,
  signer_cert_pem TEXT,
  signer_key_pem TEXT,
  ca_cert_pem TEXT,
  bsre_url TEXT,
  updated_at TEXT NOT NULL
);

CREATE TABLE number_patterns (
  office_id TEXT NOT NULL REFERENCES offices(id),
  permit_code TEXT NOT NULL,
  pattern TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (office_id, permit_code)
);

CREATE TABLE permits (
  id TEXT PRIMARY KEY,
  office_id TEXT NOT NULL REFERENCES offices(id),
  application_id TEXT NOT NULL REFERENCES applications(id),
  applicant_id TEXT NOT NULL REFERENCES applicants(id),
  permit_code TEXT NOT NULL,
  profession TEXT NOT NULL,
  number TEXT NOT NULL,
  token TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  holder_name TEXT NOT NULL,
  nik_masked TEXT NOT NULL,
  practice_place TEXT NOT NULL,
  practice_address TEXT NOT NULL,
  issued_on TEXT,
  valid_until TEXT,
  signer_name TEXT,
  signer_position TEXT,
  pdf_sha256 TEXT,
  signed_at TEXT,
  revoked_at TEXT,
  revoke_reason TEXT,
  revoke_decree TEXT,
  replaced_by TEXT,
  renewal_of TEXT,
  reminders TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (office_id, number),
  UNIQUE (application_id)
);
CREATE INDEX permits_applicant ON permits (applicant_id, status);
CREATE INDEX permits_office ON permits (office_id, status, valid_until);

CREATE TABLE permit_prints (
  id {{ID}},
  office_id TEXT NOT NULL REFERENCES offices(id),
  permit_id TEXT NOT NULL REFERENCES permits(id),
  printed_by TEXT NOT NULL,
  printed_at TEXT NOT NULL,
  received_by TEXT,
  handed_over_by TEXT,
  handed_over_at TEXT
);

ALTER TABLE applications ADD COLUMN renewal_of TEXT;

-- Whether downloading the permit waits for the satisfaction survey (SKM); off by default.
ALTER TABLE office_settings ADD COLUMN skm_gate BIGINT NOT NULL DEFAULT 0;

-- izinkes schema, version 15: each office's Standar Pelayanan per permit type (issue 16).
--
-- A published standard is never changed: a new one is the next version. The body is the JSON of
-- `izinkes_domain::standard::ServiceStandard`. An application records the version it was
-- submitted under (`standard_id`; NULL: the catalog's values, as before this version).
CREATE TABLE service_standards (
  id TEXT PRIMARY KEY,
  office_id TEXT NOT NULL REFERENCES offices(id),
  permit_code TEXT NOT NULL,
  version INTEGER NOT NULL,
  body TEXT NOT NULL,
  published_at TEXT NOT NULL,
  published_by TEXT,
  UNIQUE (office_id, permit_code, version)
);

ALTER TABLE applications ADD COLUMN standard_id TEXT REFERENCES service_standards(id);

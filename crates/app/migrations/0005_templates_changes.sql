-- izinkes schema, version 5: the office's own document templates, and perubahan data.
--
-- document_templates holds typst markup as data, append-only: the newest version per office and
-- kind is in force; a version without source puts the compiled-in default back. Every version is
-- kept, with who made it and when.
CREATE TABLE document_templates (
  office_id TEXT NOT NULL REFERENCES offices(id),
  kind TEXT NOT NULL,
  version BIGINT NOT NULL,
  source TEXT,
  created_at TEXT NOT NULL,
  created_by TEXT,
  PRIMARY KEY (office_id, kind, version)
);

-- Perubahan data: an application that changes an issued permit's practice place or schedule;
-- the permit issued from it replaces the old one and keeps its validity.
ALTER TABLE applications ADD COLUMN change_of TEXT;
ALTER TABLE applications ADD COLUMN change_reason TEXT;
ALTER TABLE permits ADD COLUMN change_of TEXT;

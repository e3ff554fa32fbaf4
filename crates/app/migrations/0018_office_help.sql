-- izinkes schema, version 18: each office's own questions and answers on the help page
-- (Bantuan, issue 18), as its admin wrote them (`izinkes_domain::help`).
CREATE TABLE office_help (
  office_id TEXT PRIMARY KEY REFERENCES offices(id),
  faq TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT
);

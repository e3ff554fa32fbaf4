-- izinkes schema, version 6: the community satisfaction survey (SKM, PermenPANRB 14/2017), one
-- answer sheet per issued application: nine scores 1–4 stored as "4,3,4,4,3,4,4,3,4".
CREATE TABLE skm_responses (
  application_id TEXT PRIMARY KEY REFERENCES applications(id),
  office_id TEXT NOT NULL REFERENCES offices(id),
  applicant_id TEXT NOT NULL REFERENCES applicants(id),
  permit_code TEXT NOT NULL,
  scores TEXT NOT NULL,
  comment TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX skm_responses_office ON skm_responses (office_id, created_at);

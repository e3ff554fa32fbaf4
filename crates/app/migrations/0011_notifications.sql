-- izinkes schema, version 11: notifications by e-mail, WhatsApp and SMS.
--
-- The outbox carries every channel. `status` is queued -> sent (the gateway accepted it;
-- `provider_id` is its id) -> delivered or failed (from the gateway's delivery report), or
-- failed at once when the gateway refused the message for good (`last_error` says why).
-- `template`, `template_language` and `params` are the WhatsApp template message;
-- `application_id` shows the message on the officer's file page.
ALTER TABLE outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'queued';
ALTER TABLE outbox ADD COLUMN status_at TEXT;
ALTER TABLE outbox ADD COLUMN provider_id TEXT;
ALTER TABLE outbox ADD COLUMN kind TEXT;
ALTER TABLE outbox ADD COLUMN template TEXT;
ALTER TABLE outbox ADD COLUMN template_language TEXT;
ALTER TABLE outbox ADD COLUMN params TEXT;
ALTER TABLE outbox ADD COLUMN application_id TEXT;
UPDATE outbox SET status = 'sent', status_at = sent_at WHERE sent_at IS NOT NULL;
CREATE INDEX outbox_provider ON outbox (channel, provider_id);
CREATE INDEX outbox_application ON outbox (application_id);
CREATE INDEX outbox_office ON outbox (office_id, id);

-- How a person wants to hear from the office. One row per applicant or officer once they
-- chose; without a row: e-mail only, and for officers a daily digest.
CREATE TABLE notification_prefs (
  person_kind TEXT NOT NULL,
  person_id TEXT NOT NULL,
  email BIGINT NOT NULL,
  whatsapp BIGINT NOT NULL,
  sms BIGINT NOT NULL,
  phone TEXT,
  phone_verified_at TEXT,
  immediate BIGINT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (person_kind, person_id)
);

-- A code sent to prove a phone number: only its salted hash is kept, it expires, and wrong
-- answers are counted.
CREATE TABLE phone_verifications (
  id {{ID}},
  person_kind TEXT NOT NULL,
  person_id TEXT NOT NULL,
  phone TEXT NOT NULL,
  channel TEXT NOT NULL,
  code_salt TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  attempts BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);
CREATE INDEX phone_verifications_person ON phone_verifications (person_kind, person_id, created_at);

-- Per office: the approved WhatsApp template for each kind of notice.
CREATE TABLE notification_templates (
  office_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  template_name TEXT NOT NULL,
  language TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (office_id, kind)
);

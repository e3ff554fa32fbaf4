-- Pesan Pengaduan: one thread of messages per application between its applicant and the office.

CREATE TABLE messages (
  id {{ID}},
  office_id TEXT NOT NULL,
  application_id TEXT NOT NULL,
  -- 1: written at the office (an officer); 0: by the applicant (or the proxy who filed).
  from_office BIGINT NOT NULL,
  author_id TEXT NOT NULL,
  -- What the other side sees: the desk's name, or the officer's name where the office says so.
  author_label TEXT NOT NULL,
  body TEXT NOT NULL,
  attachment_name TEXT,
  attachment_sha256 TEXT,
  attachment_mime TEXT,
  attachment_size BIGINT,
  -- SHA-256 over author, body and attachment: the history entry of the message carries it.
  digest TEXT NOT NULL,
  -- Set when the message was turned into a complaint.
  complaint_number TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX messages_thread ON messages (application_id, id);

-- One row per thread: what the counts need without reading the messages.
CREATE TABLE message_threads (
  application_id TEXT PRIMARY KEY,
  office_id TEXT NOT NULL,
  applicant_id TEXT NOT NULL,
  last_id BIGINT NOT NULL,
  last_applicant_id BIGINT NOT NULL,
  last_office_id BIGINT NOT NULL,
  -- 1 while the newest message is the applicant's (the office owes an answer).
  awaiting_office BIGINT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX message_threads_awaiting ON message_threads (office_id) WHERE awaiting_office = 1;
CREATE INDEX message_threads_applicant ON message_threads (applicant_id);

-- How far each reader (an applicant or an officer, by id) has read each thread.
CREATE TABLE message_reads (
  application_id TEXT NOT NULL,
  reader_id TEXT NOT NULL,
  last_read_id BIGINT NOT NULL,
  read_at TEXT NOT NULL,
  PRIMARY KEY (application_id, reader_id)
);

-- Answers are signed with the desk's name unless the office chooses its officers' names.
ALTER TABLE office_settings ADD COLUMN messages_show_officer_name BIGINT NOT NULL DEFAULT 0;

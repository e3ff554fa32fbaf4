-- izinkes schema, version 16: cancellation applications (pencabutan, issue 16).
--
-- A cancellation application names the permit it asks to cancel; the Surat Keputusan
-- Pencabutan it yields is a permit row of its own (numbered, signed, verifiable) that names the
-- permit it revoked. Neither counts as a practice place (DOMAIN rule 1).
ALTER TABLE applications ADD COLUMN cancels_permit TEXT REFERENCES permits(id);
ALTER TABLE permits ADD COLUMN cancels_permit TEXT REFERENCES permits(id);
CREATE INDEX applications_cancels_permit ON applications (cancels_permit);

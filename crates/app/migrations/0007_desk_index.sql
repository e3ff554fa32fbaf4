-- izinkes schema, version 7: Tugas Saya reads one page of a desk from one index. Only files
-- waiting at a desk are in it (a partial index: most applications are drafts or done), in the
-- order the desk shows them (office, step role, step deadline, submission time), and it carries
-- every column the desk list shows, so a page never reads the application rows themselves
-- (their large form answers).
DROP INDEX applications_desk;
CREATE INDEX applications_desk_open ON applications (
  office_id, step_role, step_due_on, submitted_at, id, status, permit_code, registration_number,
  holder_name, step_key, step_entered_at, claimed_by, claimed_until
) WHERE status IN ('submitted', 'in_process');

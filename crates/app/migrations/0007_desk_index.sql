-- izinkes schema, version 7: Tugas Saya reads one page of a desk straight from an index. Only
-- files waiting at a desk are indexed (a partial index: most applications are drafts or done),
-- in the order the desk shows them: office, step role, step deadline, submission time.
DROP INDEX applications_desk;
CREATE INDEX applications_desk_open ON applications (office_id, step_role, step_due_on, submitted_at)
  WHERE status IN ('submitted', 'in_process');

-- izinkes schema, version 9: failed logins older than the throttle window are deleted every
-- minute (`auth::throttle::expire_failures`); this index finds them without reading the table.
CREATE INDEX login_failures_at ON login_failures (at);

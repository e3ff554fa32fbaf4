-- izinkes schema, version 3: officer two-step sign-in. The last TOTP time step accepted per
-- officer, so a code cannot be used twice within its window (RFC 6238 §5.2).

ALTER TABLE officers ADD COLUMN totp_last_step BIGINT;

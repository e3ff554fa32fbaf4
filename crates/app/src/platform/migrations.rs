//! The schema migrations, in order: one SQL text per version, rendered for each backend.

use crate::platform::db::Backend;

/// Migrations, in order. Append only: a released migration is never edited.
pub(crate) const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../../migrations/0001_init.sql")),
    (2, "back_office", include_str!("../../migrations/0002_back_office.sql")),
    (3, "totp", include_str!("../../migrations/0003_totp.sql")),
    (4, "permits", include_str!("../../migrations/0004_permits.sql")),
    (
        5,
        "templates_changes",
        include_str!("../../migrations/0005_templates_changes.sql"),
    ),
    (6, "skm", include_str!("../../migrations/0006_skm.sql")),
    (7, "desk_index", include_str!("../../migrations/0007_desk_index.sql")),
    (8, "clock_index", include_str!("../../migrations/0008_clock_index.sql")),
    (
        9,
        "login_failures_expiry",
        include_str!("../../migrations/0009_login_failures_expiry.sql"),
    ),
];

pub fn render_migration(sql: &str, backend: Backend) -> String {
    let id = match backend {
        Backend::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
        Backend::Postgres => "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
    };
    sql.replace("{{ID}}", id)
}

/// Splits a migration into statements at `;` line ends, dropping `--` comment lines.
pub(crate) fn split_statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in sql.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("--") || trimmed.is_empty() {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if trimmed.ends_with(';') {
            out.push(current.trim().trim_end_matches(';').to_string());
            current.clear();
        }
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_string());
    }
    out
}

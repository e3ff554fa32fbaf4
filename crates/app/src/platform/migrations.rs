//! The schema migrations, in order: one SQL text per version, rendered for each backend, each
//! applied once in its own transaction and recorded in `schema_migrations` with the SHA-256 of
//! its text.
//!
//! A released migration is never edited: at start-up every applied migration's recorded
//! checksum is compared with the text this binary carries, and a difference stops the service
//! with the migration's name ([`DbError::EditedMigration`]) before anything else runs. A
//! database migrated before checksums were recorded gets them on its first start with this
//! version (the text it was migrated with is the one this binary carries: no migration was ever
//! edited before the check existed to catch it).
//!
//! Why not sqlx's migrator: it keeps its own `_sqlx_migrations` table (every existing database
//! has `schema_migrations`), takes one directory of SQL per database kind where we keep one text
//! for both with `{{ID}}` rendered per backend, and its `Any` support picks the backend at
//! compile time of the migration set, not from the URL. What it would add is what this file
//! does: checksums and a splitter that knows SQL's quoting.

use crate::platform::db::Backend;
use crate::platform::db::Db;
use crate::platform::db::DbError;
use crate::platform::db::now_text;

/// Migrations, in order. Append only: a released migration is never edited.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
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
    (10, "messages", include_str!("../../migrations/0010_messages.sql")),
    (
        11,
        "notifications",
        include_str!("../../migrations/0011_notifications.sql"),
    ),
    (12, "complaints", include_str!("../../migrations/0012_complaints.sql")),
    (
        13,
        "officer_digest",
        include_str!("../../migrations/0013_officer_digest.sql"),
    ),
    (
        14,
        "office_admin",
        include_str!("../../migrations/0014_office_admin.sql"),
    ),
    (
        15,
        "service_standards",
        include_str!("../../migrations/0015_service_standards.sql"),
    ),
    (
        16,
        "cancellations",
        include_str!("../../migrations/0016_cancellations.sql"),
    ),
    (
        17,
        "retributions",
        include_str!("../../migrations/0017_retributions.sql"),
    ),
    (18, "office_help", include_str!("../../migrations/0018_office_help.sql")),
];

/// The name a migration is known by in messages: its file's, `0005_templates_changes`.
pub fn label(version: i64, name: &str) -> String {
    format!("{version:04}_{name}")
}

/// What is recorded of a migration's text: the SHA-256 (lowercase hex) of the file as written,
/// line ends normalised so a checkout with CRLF line ends is the same migration.
pub fn checksum(sql: &str) -> String {
    crate::platform::ids::sha256_hex(sql.replace("\r\n", "\n").as_bytes())
}

pub fn render_migration(sql: &str, backend: Backend) -> String {
    let id = match backend {
        Backend::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
        Backend::Postgres => "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
    };
    sql.replace("{{ID}}", id)
}

/// Brings the schema up to date; returns how many migrations were applied.
pub(crate) async fn run(db: &Db) -> Result<usize, DbError> {
    bootstrap(db).await?;
    check_applied(db).await?;
    let mut applied = 0;
    for (version, name, sql) in MIGRATIONS {
        let mut tx = db.begin().await?;
        let done: Option<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
            .bind(version)
            .fetch_optional(&mut *tx)
            .await?;
        if done.is_some() {
            continue;
        }
        for statement in split_statements(&render_migration(sql, db.backend)) {
            sqlx::query(sqlx::AssertSqlSafe(statement))
                .execute(&mut *tx)
                .await
                .map_err(|source| DbError::Migration {
                    version: *version,
                    source,
                })?;
        }
        sqlx::query("INSERT INTO schema_migrations (version, name, applied_at, checksum) VALUES ($1, $2, $3, $4)")
            .bind(version)
            .bind(*name)
            .bind(now_text())
            .bind(checksum(sql))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        applied += 1;
    }
    Ok(applied)
}

/// Creates the bookkeeping table, and adds the `checksum` column to one made before it existed.
/// Idempotent, and in one transaction so two processes starting at once do not both add it
/// (SQLite: the write lock of `BEGIN IMMEDIATE`; PostgreSQL: `IF NOT EXISTS`).
async fn bootstrap(db: &Db) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, \
         applied_at TEXT NOT NULL, checksum TEXT)",
    )
    .execute(&mut *tx)
    .await?;
    match db.backend {
        Backend::Postgres => {
            sqlx::query("ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum TEXT")
                .execute(&mut *tx)
                .await?;
        }
        Backend::Sqlite => {
            let has: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM pragma_table_info('schema_migrations') WHERE name = 'checksum'",
            )
            .fetch_one(&mut *tx)
            .await?;
            if has == 0 {
                sqlx::query("ALTER TABLE schema_migrations ADD COLUMN checksum TEXT")
                    .execute(&mut *tx)
                    .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Refuses an applied migration whose text changed; records the checksum of one applied
/// before checksums were kept.
async fn check_applied(db: &Db) -> Result<(), DbError> {
    let rows: Vec<(i64, Option<String>)> =
        sqlx::query_as("SELECT version, checksum FROM schema_migrations ORDER BY version")
            .fetch_all(&db.pool)
            .await?;
    for (version, recorded) in rows {
        // A version this binary does not know was applied by a newer one; it is left alone.
        let Some((_, name, sql)) = MIGRATIONS.iter().find(|(v, _, _)| *v == version) else {
            continue;
        };
        let current = checksum(sql);
        match recorded {
            Some(recorded) if recorded == current => {}
            Some(_) => {
                return Err(DbError::EditedMigration {
                    migration: label(version, name),
                });
            }
            None => {
                sqlx::query("UPDATE schema_migrations SET checksum = $1 WHERE version = $2 AND checksum IS NULL")
                    .bind(current)
                    .bind(version)
                    .execute(&db.pool)
                    .await?;
            }
        }
    }
    Ok(())
}

/// Splits a migration into its statements at the `;` that end them, as the database's own
/// lexer would: not inside a quoted string (`'…'`, `E'…\'…'`), a quoted name (`"…"`), a
/// comment (`--` to the line end, `/* … */`, nested as PostgreSQL allows) or a dollar-quoted
/// body (`$$ … $$`, `$tag$ … $tag$`), nor inside the `BEGIN … END` of a trigger (SQLite) or of
/// a function or procedure (`BEGIN ATOMIC`, PostgreSQL), where `CASE … END` may nest.
/// Comments are left out of the statements; empty statements are dropped.
pub(crate) fn split_statements(sql: &str) -> Vec<String> {
    let mut s = Splitter {
        src: sql,
        pos: 0,
        current: String::new(),
        out: Vec::new(),
        block: Block::default(),
    };
    while s.pos < sql.len() {
        s.step();
    }
    s.finish_statement();
    s.out
}

struct Splitter<'a> {
    src: &'a str,
    pos: usize,
    current: String,
    out: Vec<String>,
    block: Block,
}

impl Splitter<'_> {
    /// Copies `len` bytes of the source into the statement (always on char boundaries: every
    /// length is counted up to an ASCII byte or the end).
    fn copy(&mut self, len: usize) {
        let end = (self.pos + len).min(self.src.len());
        self.current.push_str(&self.src[self.pos..end]);
        self.pos = end;
    }

    fn step(&mut self) {
        let src = self.src;
        let rest = &src.as_bytes()[self.pos..];
        match rest {
            [b'-', b'-', ..] => {
                let len = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
                self.pos += len;
                self.current.push('\n');
            }
            [b'/', b'*', ..] => {
                self.pos += block_comment_len(rest);
                self.current.push(' ');
            }
            [b'\'', ..] => {
                let backslashes = self.escape_string_prefix();
                self.copy(quoted_len(rest, b'\'', backslashes));
            }
            [b'"', ..] => self.copy(quoted_len(rest, b'"', false)),
            [b'$', ..] => self.copy(dollar_quoted_len(rest).unwrap_or(1)),
            [b';', ..] if self.block.depth == 0 => {
                self.pos += 1;
                self.finish_statement();
            }
            [b, ..] if b.is_ascii_alphabetic() || *b == b'_' => {
                let len = rest
                    .iter()
                    .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'$'))
                    .unwrap_or(rest.len());
                self.block.word(&src[self.pos..self.pos + len]);
                self.copy(len);
            }
            _ => {
                let len = src[self.pos..].chars().next().map_or(1, char::len_utf8);
                self.copy(len);
            }
        }
    }

    /// Whether the string starting here is PostgreSQL's `E'…'`, where a backslash escapes: the
    /// statement so far ends with a word that is exactly `E`.
    fn escape_string_prefix(&self) -> bool {
        let before = self.current.as_bytes();
        matches!(before, [.., b'E' | b'e'])
            && !matches!(before, [.., b, _] if b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$')
    }

    fn finish_statement(&mut self) {
        let statement = self.current.trim();
        if !statement.is_empty() {
            self.out.push(statement.to_owned());
        }
        self.current.clear();
        self.block = Block::default();
    }
}

/// The words of the statement that decide whether a `;` ends it: inside the `BEGIN … END` body of
/// a `CREATE [TEMP] TRIGGER`, `CREATE [OR REPLACE] FUNCTION` or `PROCEDURE` it does not.
#[derive(Default)]
struct Block {
    words: usize,
    create: bool,
    routine: bool,
    depth: usize,
}

impl Block {
    fn word(&mut self, word: &str) {
        let is = |keyword: &str| word.eq_ignore_ascii_case(keyword);
        if self.words == 0 {
            self.create = is("CREATE");
        } else if self.create && self.words <= 4 && (is("TRIGGER") || is("FUNCTION") || is("PROCEDURE")) {
            self.routine = true;
        }
        self.words += 1;
        if !self.routine {
            return;
        }
        if is("BEGIN") || (self.depth > 0 && is("CASE")) {
            self.depth += 1;
        } else if is("END") {
            self.depth = self.depth.saturating_sub(1);
        }
    }
}

/// Length of a `/* … */` comment at the start of `rest`, nested comments included (all of
/// `rest` when it is not closed).
fn block_comment_len(rest: &[u8]) -> usize {
    let mut depth = 0usize;
    let mut i = 0;
    while i + 1 < rest.len() {
        match (rest[i], rest[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    rest.len()
}

/// Length of a string quoted with `quote` at the start of `rest`, the quote doubled inside it
/// (and, with `backslashes`, escaped by a backslash) included; all of `rest` when unclosed.
fn quoted_len(rest: &[u8], quote: u8, backslashes: bool) -> usize {
    let mut i = 1;
    while i < rest.len() {
        let b = rest[i];
        let escaped = backslashes && b == b'\\';
        let doubled = b == quote && rest.get(i + 1) == Some(&quote);
        if escaped || doubled {
            i += 2;
        } else if b == quote {
            return i + 1;
        } else {
            i += 1;
        }
    }
    rest.len()
}

/// Length of a dollar-quoted body at the start of `rest` (`$$…$$`, `$tag$…$tag$`, the tag an
/// identifier not starting with a digit, so `$1` is not one); `None` when `rest` does not open
/// one. All of `rest` when unclosed.
fn dollar_quoted_len(rest: &[u8]) -> Option<usize> {
    let tag_len = rest[1..]
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_'))
        .map(|n| n + 2)?;
    if rest.get(tag_len - 1) != Some(&b'$') || rest.get(1).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let tag = &rest[..tag_len];
    let body = &rest[tag_len..];
    Some(
        body.windows(tag.len())
            .position(|w| w == tag)
            .map_or(rest.len(), |at| tag_len + at + tag_len),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_split_at_semicolons_and_skip_comments() {
        let parts = split_statements("-- c\nCREATE TABLE a (x TEXT);\n\nCREATE INDEX i ON a (x);\n");
        assert_eq!(parts, vec!["CREATE TABLE a (x TEXT)", "CREATE INDEX i ON a (x)"]);
    }

    #[test]
    fn a_semicolon_in_a_string_or_a_quoted_name_does_not_split() {
        let parts = split_statements(
            "INSERT INTO t VALUES ('a;b', 'it''s; fine');\nCREATE TABLE \"odd;name\" (\"x\"\"; y\" TEXT);",
        );
        assert_eq!(
            parts,
            vec![
                "INSERT INTO t VALUES ('a;b', 'it''s; fine')",
                "CREATE TABLE \"odd;name\" (\"x\"\"; y\" TEXT)"
            ]
        );
    }

    #[test]
    fn an_escape_string_keeps_its_backslashed_quote() {
        let parts = split_statements("SELECT E'a\\';b';SELECT 'c\\';SELECT 2");
        assert_eq!(parts, vec!["SELECT E'a\\';b'", "SELECT 'c\\'", "SELECT 2"]);
    }

    #[test]
    fn comments_of_both_kinds_are_dropped_wherever_they_are() {
        let parts = split_statements(
            "CREATE TABLE a (x TEXT); -- a; trailing\n/* block; with /* nested; */ still */ CREATE TABLE b (y TEXT /* ; */);\n-- only a comment;\n",
        );
        assert_eq!(parts, vec!["CREATE TABLE a (x TEXT)", "CREATE TABLE b (y TEXT  )"]);
        assert_eq!(
            split_statements("SELECT '-- not a comment; really'"),
            vec!["SELECT '-- not a comment; really'"]
        );
    }

    #[test]
    fn dollar_quoted_function_bodies_stay_whole() {
        let sql = "CREATE FUNCTION touch() RETURNS trigger AS $$\nBEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\n\
                   CREATE FUNCTION f() RETURNS text AS $body$ SELECT '$$;'; $body$ LANGUAGE sql;\n\
                   SELECT $1;";
        let parts = split_statements(sql);
        assert_eq!(parts.len(), 3, "{parts:#?}");
        assert!(parts[0].starts_with("CREATE FUNCTION touch()") && parts[0].ends_with("$$ LANGUAGE plpgsql"));
        assert!(parts[0].contains("RETURN NEW;\nEND;"));
        assert_eq!(
            parts[1],
            "CREATE FUNCTION f() RETURNS text AS $body$ SELECT '$$;'; $body$ LANGUAGE sql"
        );
        assert_eq!(parts[2], "SELECT $1", "a placeholder is not a dollar quote");
    }

    #[test]
    fn sqlite_trigger_bodies_stay_whole_with_case_inside() {
        let sql = "CREATE TRIGGER IF NOT EXISTS t_guard BEFORE UPDATE ON t\nFOR EACH ROW BEGIN\n  SELECT CASE WHEN NEW.x < 0 THEN RAISE(ABORT, 'x; negative') END;\n  UPDATE u SET n = n + 1;\nEND;\n\
                   CREATE TEMP TRIGGER t2 AFTER INSERT ON t BEGIN DELETE FROM u; END;\n\
                   CREATE INDEX t_end ON t (x);\nBEGIN;";
        let parts = split_statements(sql);
        assert_eq!(parts.len(), 4, "{parts:#?}");
        assert!(
            parts[0].starts_with("CREATE TRIGGER IF NOT EXISTS t_guard")
                && parts[0].ends_with("UPDATE u SET n = n + 1;\nEND")
        );
        assert_eq!(
            parts[1],
            "CREATE TEMP TRIGGER t2 AFTER INSERT ON t BEGIN DELETE FROM u; END"
        );
        assert_eq!(
            parts[2], "CREATE INDEX t_end ON t (x)",
            "`end` inside a name is not END"
        );
        assert_eq!(parts[3], "BEGIN", "outside a routine BEGIN opens nothing");
    }

    #[test]
    fn a_postgresql_atomic_body_stays_whole() {
        let parts = split_statements(
            "CREATE OR REPLACE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); INSERT INTO t VALUES (2); END;\nSELECT 1;",
        );
        assert_eq!(parts.len(), 2, "{parts:#?}");
        assert!(parts[0].ends_with("INSERT INTO t VALUES (2); END"));
    }

    #[test]
    fn text_outside_ascii_is_kept() {
        assert_eq!(
            split_statements("INSERT INTO t VALUES ('Kabupatén; Bali');SELECT 'é'"),
            vec!["INSERT INTO t VALUES ('Kabupatén; Bali')", "SELECT 'é'"]
        );
    }

    #[test]
    fn unclosed_quotes_and_comments_end_the_text_without_panicking() {
        assert_eq!(split_statements("SELECT 'open; x"), vec!["SELECT 'open; x"]);
        assert_eq!(split_statements("SELECT 1 /* open; x"), vec!["SELECT 1"]);
        assert_eq!(split_statements("SELECT $tag$ open; x"), vec!["SELECT $tag$ open; x"]);
        assert_eq!(split_statements("SELECT $"), vec!["SELECT $"]);
    }

    /// The splitter the migrations were written for: a statement ends with `;` at a line end,
    /// lines starting with `--` are dropped.
    fn line_splitter(sql: &str) -> Vec<String> {
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
        out
    }

    fn words(statement: &str) -> String {
        let without_comments: Vec<&str> = statement.lines().map(|l| l.split(" --").next().unwrap_or(l)).collect();
        without_comments
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn every_migration_splits_as_the_old_line_splitter_did() {
        for (version, _, sql) in MIGRATIONS {
            let new: Vec<String> = split_statements(sql).iter().map(|s| words(s)).collect();
            let old: Vec<String> = line_splitter(sql).iter().map(|s| words(s)).collect();
            assert!(!new.is_empty(), "migration {version}");
            assert_eq!(new, old, "migration {version}");
        }
    }

    #[test]
    fn checksums_ignore_line_ends_only() {
        assert_eq!(
            checksum("CREATE TABLE a (x TEXT);\n"),
            checksum("CREATE TABLE a (x TEXT);\r\n")
        );
        assert_ne!(
            checksum("CREATE TABLE a (x TEXT);\n"),
            checksum("CREATE TABLE a (y TEXT);\n")
        );
        assert_eq!(checksum("").len(), 64);
        assert_eq!(label(5, "templates_changes"), "0005_templates_changes");
    }

    #[test]
    fn migration_renders_identity_per_backend() {
        let sql = "CREATE TABLE t (id {{ID}}, x TEXT);";
        assert!(render_migration(sql, Backend::Sqlite).contains("AUTOINCREMENT"));
        assert!(render_migration(sql, Backend::Postgres).contains("GENERATED ALWAYS AS IDENTITY"));
    }
}

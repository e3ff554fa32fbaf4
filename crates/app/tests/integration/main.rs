//! The one integration-test binary: the real server on a free port, driven over HTTP, on SQLite
//! and on PostgreSQL (every test runs on both; see `support::dual_test!`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    clippy::needless_pass_by_value,
    reason = "test code: a failed unwrap is a failed test, and a test reads top to bottom"
)]

mod support;

mod api;
mod authz;
mod bad_input;
mod calendar_import;
mod complaints;
mod database;
mod desk_api;
mod desks;
mod holders;
mod journey;
mod layout;
mod messages;
mod notifications;
mod office_admin;
mod office_documents;
mod officer_digest;
mod openapi;
mod openapi_schemas;
mod outbox;
mod password_change;
mod permits;
mod proxy;
mod retribution;
mod s3;
mod standards;
mod totp;
mod withdraw;

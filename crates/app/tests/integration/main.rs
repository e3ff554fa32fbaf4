//! The one integration-test binary: the real server on a free port, driven over HTTP, on SQLite
//! and on PostgreSQL (every test runs on both; see `support::dual_test!`).

mod support;

mod api;
mod authz;
mod bad_input;
mod database;
mod desk_api;
mod desks;
mod journey;
mod office_documents;
mod openapi;
mod openapi_schemas;
mod outbox;
mod permits;
mod s3;
mod totp;

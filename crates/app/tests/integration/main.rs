//! The one integration-test binary: the real server on a free port, driven over HTTP, on SQLite
//! and on PostgreSQL (every test runs on both; see `support::dual_test!`).

mod support;

mod bad_input;
mod journey;

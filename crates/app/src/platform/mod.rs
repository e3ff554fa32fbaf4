//! Infrastructure every area uses and that knows none of them: configuration, the database
//! (pool, transactions, migrations), caches, files and uploads, the outbox and the mail
//! templates, ids and the service layer's error type.

pub mod cache;
pub mod config;
pub mod db;
pub mod error;
pub mod files;
pub mod gateways;
pub mod ids;
pub mod mail;
pub mod migrations;
pub mod outbox;
pub mod read_cache;
pub mod screen;
pub mod signatures;
pub mod text;
pub mod uploads;

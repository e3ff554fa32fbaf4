//! Who is signed in: sessions (cookie or bearer token), login throttling, passwords, and the
//! officers' second factor (TOTP with recovery codes). `officer` is the signed-in officer the
//! back-office services act for.

pub mod api;
pub mod mfa;
pub mod mfa_pages;
pub mod officer;
pub mod pages;
pub mod password_change;
pub mod password_pages;
pub mod passwords;
pub mod queries;
pub mod sessions;
pub mod throttle;
pub mod totp;

//! Applicant accounts (Pemohon): registration with e-mail confirmation, password recovery,
//! the profile and photo; and the officers' accounts an administrator creates.

pub mod api;
pub mod officers;
pub mod pages;
pub mod profile;
pub mod queries;
pub mod recovery;
pub mod registration;

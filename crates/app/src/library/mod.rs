//! Manajer Berkas: the applicant's own files, kept for reuse across applications.

pub mod api;
pub mod pages;
pub mod queries;
pub mod service;

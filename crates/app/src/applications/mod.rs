//! Permohonan: the applicant's three-step application (Tahap 1 Data Pemohon, Tahap 2 Data
//! Formulir, Tahap 3 Data Syarat), drafts saved at every step, attachments, submission with a
//! registration number, the hash-chained history, Permohonan Saya, receipts and public tracking.
//! `view` is the one picture of an application that the applicant's and the officer's pages share.

pub mod api;
pub mod attachments;
pub mod drafts;
pub mod history;
pub mod list;
pub mod pages;
pub mod queries;
pub mod step_pages;
pub mod submit;
pub mod tracking;
pub mod view;
pub mod withdraw;

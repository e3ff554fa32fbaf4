//! The back office: workflows as versioned data per office and permit type, the officers'
//! desks (Tugas Saya), the file at a desk, who may act (`policy`), the actions at each step,
//! the revision loop with the applicant, the supervisors' summary and the clock (escalation,
//! automatic approval at the deadline).
//!
//! The rules of moving a file live in `izinkes_domain::workflow::apply`, the SLA arithmetic in
//! `izinkes_domain::sla`, and who may act in [`policy`]; this area loads the state, asks the
//! rules and writes the result. Its SQL is in [`queries`], except the measured query of Tugas
//! Saya, in [`tasks_sql`].

pub mod actions;
pub mod api;
pub mod clock;
pub mod file;
pub mod pages;
pub mod policy;
pub mod queries;
pub mod revision_api;
pub mod revision_pages;
pub mod revisions;
pub mod summary;
pub mod tasks;
pub mod tasks_sql;
pub mod workflows;

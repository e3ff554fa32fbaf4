//! Complaints (pengaduan): the online form and tracking for the public, the complaints desk for
//! the Petugas Pengaduan (classify, assign, examine with evidence, follow up, answer, forward to
//! SP4N-LAPOR!), escalation of overdue complaints, each office's channels and deadlines, and the
//! monthly and yearly report for the head of office.

pub mod api;
pub mod clock;
pub mod pages;
pub mod queries;
pub mod report;
pub mod report_pages;
pub mod service;
pub mod settings;
pub mod settings_pages;

//! Pesan Pengaduan: the thread of messages on each application between its applicant and the
//! office, with unread counts per reader, attachments, and a place in the file's history.

pub mod api;
pub mod pages;
pub mod queries;
pub mod service;

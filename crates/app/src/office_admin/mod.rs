//! What an office admin sets up: settings, the working calendar, workflows and the office's
//! documents (letterhead, signer block, templates).

pub mod calendar;
pub mod document_pages;
pub mod pages;
pub mod queries;
pub mod settings;
pub mod workflow_pages;

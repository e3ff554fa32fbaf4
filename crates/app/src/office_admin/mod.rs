//! What an office admin sets up: the office's profile and setup checklist, its officers
//! (invitations, roles, deactivation, audit), settings, the working calendar, workflows and the
//! office's documents (letterhead, signer block, templates).

pub mod api;
pub mod calendar;
pub mod document_pages;
pub mod offices;
pub mod pages;
pub mod queries;
pub mod settings;
pub mod staff;
pub mod staff_pages;
pub mod standard_api;
pub mod standard_pages;
pub mod standards;
pub mod workflow_pages;

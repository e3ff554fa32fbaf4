//! Notifications: the one notifier every area calls (`service::to_applicant`, `to_contact`,
//! `to_officers`; an officer's notices wait for the daily digest, `digest`, unless they chose
//! immediate ones), the applicant's choice of channels with the proof of their phone number,
//! the office's WhatsApp templates, the delivery list, and the gateways' delivery reports.
//! Delivery itself is the outbox's (`platform::outbox`, `platform::gateways`).

pub mod api;
pub mod digest;
pub mod pages;
pub mod queries;
pub mod service;

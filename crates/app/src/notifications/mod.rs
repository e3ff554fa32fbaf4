//! Notifications: the one notifier every area calls (`service::to_applicant`, `to_contact`,
//! `to_officers`), the applicant's choice of channels with the proof of their phone number,
//! the office's WhatsApp templates, the delivery list, and the gateways' delivery reports.
//! Delivery itself is the outbox's (`platform::outbox`, `platform::gateways`).

pub mod api;
pub mod pages;
pub mod queries;
pub mod service;

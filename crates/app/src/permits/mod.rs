//! Issued permits (Izin): numbering, the office's documents and templates, signing (local
//! certificate or BSrE), the archive with print and handover register, Izin Saya, changes and
//! renewals, cancellation at the holder's request, expiry reminders, and public verification
//! by QR code.

pub mod api;
pub mod archive;
pub mod cancellation;
pub mod changes;
pub mod documents;
pub mod expiry;
pub mod numbering;
pub mod pages;
pub mod queries;
pub mod retribution;
pub mod retribution_api;
pub mod retribution_pages;
pub mod signer;
pub mod signing;
pub mod templates;
pub mod verify_pages;

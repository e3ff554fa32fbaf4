//! The satisfaction survey (SKM, PermenPANRB 14/2017) after a permit is issued, and the
//! office's index (IKM).

pub mod api;
pub mod pages;
pub mod queries;
pub mod service;

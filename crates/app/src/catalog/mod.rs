//! The offices and the permit types they offer: the versioned catalog, which types an office
//! has enabled, and the public pages (home, Standar Pelayanan of each service, areas).

pub mod api;
pub mod help;
pub mod help_pages;
pub mod offices;
pub mod pages;
pub mod queries;
pub mod service;
pub mod standards;

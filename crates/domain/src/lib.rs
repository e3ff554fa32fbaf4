//! Pure domain rules of izinkes. No IO, no async: every rule here is a function of its inputs,
//! tested beside its code. Types parse instead of validate: a value of `Nik` is a valid NIK.
#![forbid(unsafe_code)]

pub mod calendar;
pub mod catalog;
pub mod complaints;
pub mod email;
pub mod format_id;
pub mod help;
pub mod nib;
pub mod nik;
pub mod npwp;
pub mod numbering;
pub mod password;
pub mod phone;
pub mod practice_cap;
pub mod retribution;
pub mod roles;
pub mod skm;
pub mod sla;
pub mod standard;
pub mod status;
pub mod wilayah;
pub mod workflow;

//! Documents of izinkes: PDFs rendered by typst from templates held as data, QR codes, and
//! PAdES signatures (a local certificate signer and the BSrE remote signer behind one trait).
//! Kept in its own crate so a change to a page does not rebuild typst or the crypto stack.
#![forbid(unsafe_code)]

pub mod render;
pub mod sign;

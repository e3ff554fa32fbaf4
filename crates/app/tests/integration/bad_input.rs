//! Wrong and hostile input.

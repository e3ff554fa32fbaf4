//! What the areas' page and API handlers are written with: the callers (`extract`), the one
//! error type of the web layer and its responses (`error`), page rendering and form state
//! (`view`, `form`), cookies, and the JSON API's body and error helpers (`api`). The router
//! itself is `crate::http`, which no area imports.

pub mod api;
pub mod cookies;
pub mod error;
pub mod extract;
pub mod form;
pub mod view;

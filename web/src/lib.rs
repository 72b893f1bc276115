//! Footprint's browser app, compiled to WebAssembly: the reader's state (current day, window or cumulative mode,
//! playback, layers, filters, selection, view), its URL codec, the time filtering that decides what the map shows
//! (the same inclusive-interval semantics as the API, from the shared domain crate), and date formatting — all
//! plain Rust, unit-tested on the host. `app` (WebAssembly only) wires the page and drives MapLibre GL JS through
//! the small hand-written bridge in `js/bridge.js`.

pub mod controls;
pub mod diff;
pub mod embed;
pub mod form;
pub mod histogram;
pub mod keys;
pub mod list_edit;
pub mod model;
pub mod panel;
pub mod playback;
pub mod state;
pub mod style;
pub mod text;
pub mod url;
pub mod view;

#[cfg(target_arch = "wasm32")]
mod app;

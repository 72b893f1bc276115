//! The map as readers see it, shared by the server (pages, cards, oEmbed, static images) and the browser app
//! (compiled to WebAssembly): no HTTP, no I/O.
//!
//! - [`state`]: the map state a reader shares in a URL, parsed, clamped, defaulted and written one way.
//! - [`visibility`]: what a state shows.
//! - [`palette`]: the colours and letters of statuses, strikes and events.
//! - [`menus`]: the timeline's menus in a reader's language.
//! - [`tiling`]: which layers the web map draws from vector tiles, and for which days.

pub mod menus;
pub mod palette;
pub mod state;
pub mod tiling;
pub mod visibility;

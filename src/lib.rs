//! Footprint: a time-aware map service for strategic sites in the news.
//!
//! The crate is layered the way the service is deployed:
//! - [`domain`]: sites, events and strikes with time spans that carry their precision, locations with theirs, and
//!   provenance. No HTTP and no I/O, so the browser crate can reuse it.
//! - [`i18n`]: the reader's languages (English, Arabic, Russian): UI messages from `web/i18n/`, plural rules,
//!   digits and dates at their precision. Shared by the server's pages and API and the browser app.
//! - [`map`]: the map as readers see it (its state in a URL, what a state shows, its palette), shared by the server
//!   and the browser app.
//! - `store`: loading and validating the curated layers, and the in-memory spatio-temporal index that answers
//!   queries.
//! - `basemap`: the offline basemap embedded in the binary (tiles, glyphs, sprites, fonts).
//! - `render`: static map images.
//! - `http`: the actix-web layer (OGC API – Features, downloads, timeline), one route table shared by the binary
//!   and the tests.
//! - `cli`: the command line (`footprint serve`, `footprint check`).
//!
//! Everything but [`domain`], [`i18n`] and [`map`] needs the default `server` feature; the browser crate (`web/`)
//! uses those three alone.

#[cfg(feature = "server")]
pub mod basemap;
#[cfg(feature = "server")]
pub mod cli;
pub mod domain;
#[cfg(feature = "server")]
pub mod http;
pub mod i18n;
pub mod map;
#[cfg(feature = "server")]
pub mod render;
#[cfg(feature = "server")]
pub mod store;

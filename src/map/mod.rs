//! The map as readers see it, shared by the server (pages, static images) and the browser app (compiled to
//! WebAssembly): no HTTP, no I/O. For now its palette ([`palette`]); the map state joins it (issue 11).

pub mod palette;

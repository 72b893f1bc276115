//! The offline basemap embedded in the binary (`geodata/basemap`): its vector tiles (a PMTiles archive held in
//! memory), style, SDF glyphs and sprites, and the fonts of the static images. Below both the static image renderer
//! ([`crate::render`]) and the HTTP layer, which serves these files; no HTTP here.

use std::sync::Arc;

use bytes::Bytes;
use pmtiles::{AsyncBackend, AsyncPmTilesReader, BackendResponse, Compression, PmtResult, TileCoord};
use rust_embed::RustEmbed;

/// The offline basemap's files.
#[derive(RustEmbed)]
#[folder = "geodata/basemap/"]
#[exclude = "*.sh"]
#[exclude = "*.py"]
#[exclude = "*.csv"]
#[exclude = "fonts/*"]
struct Files;

/// Noto Sans (Latin, Greek, Cyrillic): the static images' text, the family of the map's labels and the page.
pub const FONT_LATIN: &[u8] = include_bytes!("../geodata/basemap/fonts/NotoSans-Regular.ttf");
/// Noto Sans Arabic (an Arabic subset): the static images' Arabic text, as on the map and the page.
pub const FONT_ARABIC: &[u8] = include_bytes!("../geodata/basemap/fonts/NotoSansArabic-Regular.ttf");

/// An embedded basemap file (style, glyphs, sprites, the archive), without copying it in a release build.
pub fn file(name: &str) -> Option<Bytes> {
    Files::get(name).map(|file| shared(file.data))
}

/// The bytes of an embedded file without copying them (a release build embeds them in the binary).
pub fn shared(data: std::borrow::Cow<'static, [u8]>) -> Bytes {
    match data {
        std::borrow::Cow::Borrowed(bytes) => Bytes::from_static(bytes),
        std::borrow::Cow::Owned(bytes) => Bytes::from(bytes),
    }
}

/// The PMTiles archive held in memory, as a `pmtiles` backend.
pub struct MemoryBackend(Bytes);

impl AsyncBackend for MemoryBackend {
    async fn read(&self, offset: u64, length: usize) -> PmtResult<BackendResponse> {
        let start = usize::try_from(offset).unwrap_or(usize::MAX).min(self.0.len());
        let end = start.saturating_add(length).min(self.0.len());
        Ok(BackendResponse::new(self.0.slice(start..end)))
    }
}

/// Why a tile could not be read.
#[derive(Debug, thiserror::Error)]
pub enum TileError {
    /// The coordinates are outside the tile pyramid.
    #[error("{0}")]
    Coordinates(String),
    /// The archive could not be read.
    #[error("the basemap archive: {0}")]
    Archive(String),
}

/// The basemap's vector tiles.
pub struct Tiles {
    reader: AsyncPmTilesReader<MemoryBackend>,
}

impl Tiles {
    /// Opens the embedded `basemap.pmtiles`; `None` if the binary was built without a basemap.
    pub async fn open() -> Option<Arc<Tiles>> {
        let bytes = file("basemap.pmtiles")?;
        match AsyncPmTilesReader::try_from_source(MemoryBackend(bytes)).await {
            Ok(reader) => Some(Arc::new(Tiles { reader })),
            Err(err) => {
                tracing::error!(%err, "the embedded basemap.pmtiles cannot be read");
                None
            }
        }
    }

    /// The stored bytes of one tile (gzip-compressed when [`Tiles::stored_gzip`]); `None` where the archive has
    /// none.
    pub async fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Bytes>, TileError> {
        let coord = TileCoord::new(z, x, y).map_err(|e| TileError::Coordinates(e.to_string()))?;
        self.reader.get_tile(coord).await.map_err(|e| TileError::Archive(e.to_string()))
    }

    /// The stored bytes of one tile, if the archive has it and it can be read.
    pub async fn tile_bytes(&self, z: u8, x: u32, y: u32) -> Option<Bytes> {
        self.tile(z, x, y).await.ok().flatten()
    }

    /// Whether the archive stores its tiles gzip-compressed.
    pub fn stored_gzip(&self) -> bool {
        self.reader.get_header().tile_compression == Compression::Gzip
    }
}

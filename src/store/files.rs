//! Where the data files come from: the copy of `geodata/` embedded in the binary, or a directory on disk.

use std::borrow::Cow;
use std::path::PathBuf;

use rust_embed::RustEmbed;

/// Why a data file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    /// The file is not in the data directory (or the embedded copy).
    #[error("{location}: no such file")]
    Missing {
        /// Where it was looked for.
        location: String,
    },
    /// Reading it failed.
    #[error("{location}: {source}")]
    Io {
        /// The path read.
        location: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// A source of data files, addressed by paths relative to the data directory (`catalog.json`, `sites.geojson`).
pub trait DataFiles: Send + Sync {
    /// The bytes of one file.
    fn read(&self, name: &str) -> Result<Cow<'static, [u8]>, FilesError>;
    /// Where the files are, for messages (a directory path, or `embedded geodata`).
    fn describe(&self) -> String;
}

/// The `geodata/` directory as it was when the binary was built.
#[derive(RustEmbed)]
#[folder = "geodata/"]
#[include = "*.json"]
#[include = "*.geojson"]
#[include = "*.md"]
#[exclude = "boundaries/*"]
#[exclude = "basemap/*"]
struct EmbeddedGeodata;

/// The data embedded in the binary.
#[derive(Clone, Copy, Debug, Default)]
pub struct Embedded;

impl Embedded {
    /// The names of the embedded files (`catalog.json`, `schema/feature.schema.json`, the layers, …).
    pub fn names() -> Vec<String> {
        EmbeddedGeodata::iter().map(std::borrow::Cow::into_owned).collect()
    }
}

impl DataFiles for Embedded {
    fn read(&self, name: &str) -> Result<Cow<'static, [u8]>, FilesError> {
        EmbeddedGeodata::get(name)
            .map(|file| file.data)
            .ok_or_else(|| FilesError::Missing { location: format!("embedded geodata/{name}") })
    }

    fn describe(&self) -> String {
        "embedded geodata".to_owned()
    }
}

/// A data directory on disk (`--data DIR`).
#[derive(Clone, Debug)]
pub struct Directory(pub PathBuf);

impl DataFiles for Directory {
    fn read(&self, name: &str) -> Result<Cow<'static, [u8]>, FilesError> {
        let path = self.0.join(name);
        let location = path.display().to_string();
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Cow::Owned(bytes)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Err(FilesError::Missing { location }),
            Err(source) => Err(FilesError::Io { location, source }),
        }
    }

    fn describe(&self) -> String {
        self.0.display().to_string()
    }
}

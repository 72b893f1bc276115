//! Where a collection keeps its features' texts ([`ReadyFeature`]): in memory, or in a file on disk, read back by
//! position for the page a query returns.
//!
//! The texts are most of a collection's size (about 4 KB a real-shaped strike, against about 100 bytes of columns),
//! and a query needs only those of the page it returns. A store's data ([`super::live::Live`]) keeps them in a
//! [`TextFile`]: an append-only file, removed from its directory as soon as it is opened (so it goes with the
//! process however it ends), that the operating system caches as it sees fit. It is not the store: it is rebuilt
//! from the store's log at each start (the log's replaced versions too, until they are most of it: then the current
//! texts are copied to a new file), and a write appends the texts it changes (those it replaces stay until the
//! next start). Where no file can be made, and for data served from a directory and tests, texts stay in memory.

use std::borrow::Cow;
use std::fs::File;
use std::os::unix::fs::FileExt as _;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::ready::ReadyFeature;

/// One feature's text: held, or at a place in a [`TextFile`].
#[derive(Clone, Debug)]
pub enum Text {
    /// In memory.
    Held(Arc<ReadyFeature>),
    /// In the collection's text file: where, and how many bytes.
    Stored {
        /// Its offset in the file.
        at: u64,
        /// Its length.
        len: u32,
    },
}

/// An append-only file of texts, removed from its directory once open.
#[derive(Debug)]
pub struct TextFile {
    file: File,
    /// Where the next text goes (appends take turns on it).
    end: Mutex<u64>,
}

/// Files made by this process (their names must differ).
static MADE: AtomicU64 = AtomicU64::new(0);

impl TextFile {
    /// A new, empty text file in `dir`; its name is gone from `dir` before this returns (if the name cannot be
    /// removed, a warning names it: the file still works, and is an orphan to delete).
    pub fn create_in(dir: &Path) -> std::io::Result<Arc<TextFile>> {
        // Processes in different containers sharing a directory may have the same id: the clock tells them apart,
        // and a name that exists all the same is skipped.
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let mut attempts = 0;
        let (file, path) = loop {
            let n = MADE.fetch_add(1, Ordering::Relaxed);
            let path = dir.join(format!(".footprint-texts-{}-{nanos}-{n}", std::process::id()));
            match std::fs::OpenOptions::new().read(true).write(true).create_new(true).open(&path) {
                Ok(file) => break (file, path),
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists && attempts < 8 => attempts += 1,
                Err(err) => return Err(err),
            }
        };
        if let Err(err) = std::fs::remove_file(&path) {
            tracing::warn!(%err, path = %path.display(), "the features' text file keeps its name: delete it once the server stops");
        }
        Ok(Arc::new(TextFile { file, end: Mutex::new(0) }))
    }

    /// Appends `ready` and returns where it is.
    pub fn append(&self, ready: &ReadyFeature) -> std::io::Result<Text> {
        let bytes = ready.as_bytes();
        let len = u32::try_from(bytes.len()).map_err(std::io::Error::other)?;
        let mut end = self.end.lock().map_err(|_| std::io::Error::other("text file lock poisoned"))?;
        self.file.write_all_at(bytes, *end)?;
        let at = *end;
        *end += u64::from(len);
        Ok(Text::Stored { at, len })
    }

    /// `ready` appended, or held if the file does not take it (the file is a cache of the store, and a full disk
    /// must not lose a feature).
    pub fn keep(&self, ready: Arc<ReadyFeature>) -> Text {
        self.append(&ready).unwrap_or_else(|err| {
            tracing::warn!(%err, "a feature's text stays in memory: the text file did not take it");
            Text::Held(ready)
        })
    }

    /// The text at `at`.
    fn read(&self, at: u64, len: u32) -> std::io::Result<ReadyFeature> {
        let mut bytes = vec![0; len as usize].into_boxed_slice();
        self.file.read_exact_at(&mut bytes, at)?;
        ReadyFeature::from_bytes(bytes).ok_or_else(|| std::io::Error::other("a stored text is not well formed"))
    }

    /// How many bytes it holds.
    pub fn len(&self) -> u64 {
        self.end.lock().map_or(0, |end| *end)
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A collection's texts, in row order, and the file the stored ones are in.
#[derive(Debug, Default)]
pub struct Texts {
    texts: Vec<Text>,
    file: Option<Arc<TextFile>>,
}

impl Texts {
    /// `texts` (in row order), those still held moved into `file` if there is one (those it cannot take stay
    /// held: the file is a cache of the store, and a full disk must not lose a feature).
    pub fn new(mut texts: Vec<Text>, file: Option<Arc<TextFile>>) -> Texts {
        if let Some(file) = &file {
            for text in &mut texts {
                if let Text::Held(ready) = text {
                    *text = file.keep(Arc::clone(ready));
                }
            }
        }
        Texts { texts, file }
    }

    /// How many texts.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// The text of row `row` (read from the file if it is there).
    pub fn get(&self, row: usize) -> Option<Cow<'_, ReadyFeature>> {
        match self.texts.get(row)? {
            Text::Held(ready) => Some(Cow::Borrowed(ready.as_ref())),
            &Text::Stored { at, len } => match self.file.as_ref()?.read(at, len) {
                Ok(ready) => Some(Cow::Owned(ready)),
                Err(err) => {
                    tracing::error!(row, %err, "a feature's text could not be read back from the text file");
                    None
                }
            },
        }
    }

    /// Row `row`'s text handle (to build the next collection from this one).
    pub fn handle(&self, row: usize) -> Option<Text> {
        self.texts.get(row).cloned()
    }

    /// How many bytes of these texts are in the file.
    pub fn stored_bytes(&self) -> u64 {
        self.texts.iter().map(|t| if let Text::Stored { len, .. } = t { u64::from(*len) } else { 0 }).sum()
    }

    /// The file the stored texts are in, if any.
    pub fn file(&self) -> Option<&Arc<TextFile>> {
        self.file.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Lang;
    use crate::store::synthetic;

    #[test]
    fn texts_moved_into_a_file_read_back_as_they_were_written() {
        let dir = std::env::temp_dir();
        let file = TextFile::create_in(&dir).unwrap_or_else(|e| panic!("{e}"));
        let features = synthetic::events(200, 5);
        let held: Vec<Text> = features.iter().map(|f| Text::Held(Arc::new(ReadyFeature::new(f)))).collect();
        let texts = Texts::new(held, Some(Arc::clone(&file)));
        assert!(texts.texts.iter().all(|t| matches!(t, Text::Stored { .. })), "every text went to the file");
        assert!(!file.is_empty());
        for (row, feature) in features.iter().enumerate() {
            let ready = texts.get(row).unwrap_or_else(|| panic!("row {row}"));
            assert_eq!(*ready, ReadyFeature::new(feature));
            let mut written = Vec::new();
            ready.write(Lang::Ar, &mut written);
            assert!(written.starts_with(br#"{"type":"Feature""#));
        }
    }
}

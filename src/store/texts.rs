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

/// A text's digest: the first half of the SHA-256 of its bytes (what a layer's digest is made of, so a write
/// re-hashes the texts it changes, not the layer).
pub type Digest = [u8; 16];

/// The digest of `ready`.
pub fn digest_of(ready: &ReadyFeature) -> Digest {
    use sha2::Digest as _;
    let full: [u8; 32] = sha2::Sha256::digest(ready.as_bytes()).into();
    let mut half = [0; 16];
    half.copy_from_slice(&full[..16]);
    half
}

/// One feature's text: held, or at a place in a [`TextFile`].
#[derive(Clone, Debug)]
pub enum Text {
    /// In memory.
    Held(Arc<ReadyFeature>),
    /// In the collection's text file: where, how many bytes, and its digest.
    Stored {
        /// Its offset in the file.
        at: u64,
        /// Its length.
        len: u32,
        /// Its digest ([`digest_of`]).
        digest: Digest,
    },
}

impl Text {
    /// Its digest ([`digest_of`]).
    pub fn digest(&self) -> Digest {
        match self {
            Text::Held(ready) => digest_of(ready),
            Text::Stored { digest, .. } => *digest,
        }
    }
}

/// An append-only file of texts, removed from its directory once open; optionally after a base: the texts of a
/// saved snapshot ([`super::saved`]), read only and shared with any other process that started from it.
#[derive(Debug)]
pub struct TextFile {
    /// The saved snapshot's file and how many of its bytes are texts: offsets below that are read from it.
    base: Option<(File, u64)>,
    /// This process's own texts, at offsets from the base's end on.
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
        TextFile::after(None, dir)
    }

    /// A text file whose first `len` bytes are `base`'s (read only), its own texts in a new file in `dir`.
    pub fn over(base: File, len: u64, dir: &Path) -> std::io::Result<Arc<TextFile>> {
        TextFile::after(Some((base, len)), dir)
    }

    fn after(base: Option<(File, u64)>, dir: &Path) -> std::io::Result<Arc<TextFile>> {
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
        let end = base.as_ref().map_or(0, |(_, len)| *len);
        Ok(Arc::new(TextFile { base, file, end: Mutex::new(end) }))
    }

    /// Appends `ready` and returns where it is.
    pub fn append(&self, ready: &ReadyFeature) -> std::io::Result<Text> {
        let bytes = ready.as_bytes();
        let len = u32::try_from(bytes.len()).map_err(std::io::Error::other)?;
        let digest = digest_of(ready);
        let mut end = self.end.lock().map_err(|_| std::io::Error::other("text file lock poisoned"))?;
        self.file.write_all_at(bytes, *end - self.base_len())?;
        let at = *end;
        *end += u64::from(len);
        Ok(Text::Stored { at, len, digest })
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
        self.read_into(at, &mut bytes)?;
        ReadyFeature::from_bytes(bytes).ok_or_else(|| std::io::Error::other("a stored text is not well formed"))
    }

    /// Reads the bytes at `at` into `bytes` (all of it).
    fn read_into(&self, at: u64, bytes: &mut [u8]) -> std::io::Result<()> {
        match &self.base {
            Some((base, base_len)) if at < *base_len => base.read_exact_at(bytes, at),
            _ => self.file.read_exact_at(bytes, at - self.base_len()),
        }
    }

    /// How many bytes of texts the base holds.
    fn base_len(&self) -> u64 {
        self.base.as_ref().map_or(0, |(_, len)| *len)
    }

    /// How many bytes it holds (its base's texts included).
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
            &Text::Stored { at, len, .. } => match self.file.as_ref()?.read(at, len) {
                Ok(ready) => Some(Cow::Owned(ready)),
                Err(err) => {
                    tracing::error!(row, %err, "a feature's text could not be read back from the text file");
                    None
                }
            },
        }
    }

    /// Appends row `row`'s GeoJSON for a reader of `lang` ([`ReadyFeature::write`]); a text in the file is read
    /// into a buffer kept by the thread, not a new one. `false` if it cannot be read (logged; nothing appended).
    pub fn write(&self, row: usize, lang: crate::domain::Lang, out: &mut Vec<u8>) -> bool {
        thread_local! {
            static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        match self.texts.get(row) {
            None => false,
            Some(Text::Held(ready)) => {
                ready.write(lang, out);
                true
            }
            Some(&Text::Stored { at, len, .. }) => BUFFER.with_borrow_mut(|buffer| {
                let len = len as usize;
                if buffer.len() < len {
                    buffer.resize(len, 0);
                }
                let bytes = &mut buffer[..len];
                let read = self.file.as_ref().map(|file| file.read_into(at, bytes));
                match read {
                    Some(Ok(())) if ReadyFeature::write_bytes(bytes, lang, out) => true,
                    Some(Err(err)) => {
                        tracing::error!(row, %err, "a feature's text could not be read back from the text file");
                        false
                    }
                    _ => {
                        tracing::error!(row, "a feature's text read back from the text file is not well formed");
                        false
                    }
                }
            }),
        }
    }

    /// Row `row`'s text's size in bytes, about what [`Texts::write`] appends.
    pub fn size(&self, row: usize) -> usize {
        match self.texts.get(row) {
            Some(Text::Held(ready)) => ready.size(),
            Some(Text::Stored { len, .. }) => *len as usize,
            None => 0,
        }
    }

    /// Row `row`'s text handle (to build the next collection from this one).
    pub fn handle(&self, row: usize) -> Option<Text> {
        self.texts.get(row).cloned()
    }

    /// Row `row`'s digest ([`digest_of`]).
    pub fn digest(&self, row: usize) -> Option<Digest> {
        self.texts.get(row).map(Text::digest)
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

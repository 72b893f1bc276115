//! Rendered static images: a bounded LRU cache keyed by the image's canonical state ([`ByteCache`], also the
//! vector tiles' cache), and a limit on how many images (and tiles) render at once.
//!
//! Rendering is CPU-bound, so it runs on the blocking pool, at most [`Images::max_renders`] at a time (one less
//! than the machine's cores, at least one, so a core stays free for everything else). At most as many again may
//! wait; a request beyond that is answered `503` with `Retry-After` at once instead of queueing without end.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use lru::LruCache;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The most bytes of PNG kept in the cache.
pub const CACHE_BYTES: usize = 48 * 1024 * 1024;
/// The most images kept in the cache.
const CACHE_ENTRIES: usize = 512;

/// Made bytes by key, within a byte budget of [`CACHE_BYTES`] and [`CACHE_ENTRIES`] entries, least recently
/// used dropped first.
pub struct ByteCache(Mutex<Cached>);

impl Default for ByteCache {
    fn default() -> ByteCache {
        ByteCache(Mutex::new(Cached {
            images: LruCache::new(NonZeroUsize::new(CACHE_ENTRIES).unwrap_or(NonZeroUsize::MIN)),
            bytes: 0,
        }))
    }
}

impl ByteCache {
    /// The bytes kept under `key`, if any.
    pub fn get(&self, key: &str) -> Option<Bytes> {
        self.0.lock().ok()?.images.get(key).cloned()
    }

    /// Keeps `bytes` under `key`, dropping the least recently used entries beyond the byte budget. An entry larger
    /// than a quarter of the budget is not kept.
    pub fn put(&self, key: String, bytes: Bytes) {
        if bytes.len() > CACHE_BYTES / 4 {
            return;
        }
        let Ok(mut cached) = self.0.lock() else { return };
        cached.bytes += bytes.len();
        if let Some((_, old)) = cached.images.push(key, bytes) {
            cached.bytes -= old.len();
        }
        while cached.bytes > CACHE_BYTES {
            let Some((_, old)) = cached.images.pop_lru() else { break };
            cached.bytes -= old.len();
        }
    }

    /// Bytes and entries held (for tests and metrics).
    pub fn held(&self) -> (usize, usize) {
        self.0.lock().map_or((0, 0), |c| (c.bytes, c.images.len()))
    }
}

/// How many tile requests may wait for a tile maker.
pub const TILES_WAITING: usize = 32;

/// One render fewer than the machine's cores, at least one: a core is left for everything else.
fn renders_for_this_machine() -> usize {
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get).saturating_sub(1).max(1)
}

/// The cache and the render limit.
pub struct Images {
    cache: ByteCache,
    /// Requests admitted to render: rendering plus waiting.
    admitted: Arc<Semaphore>,
    /// Renders running.
    rendering: Arc<Semaphore>,
    /// How many images render at once.
    pub max_renders: usize,
}

struct Cached {
    images: LruCache<String, Bytes>,
    bytes: usize,
}

/// Permission to render one image; dropping it lets the next one in.
pub struct RenderPermit {
    _admitted: OwnedSemaphorePermit,
    _rendering: OwnedSemaphorePermit,
}

impl Images {
    /// A cache with `max_renders` renders at once and as many waiting.
    pub fn new(max_renders: usize) -> Images {
        Images::with_limits(max_renders, max_renders.max(1))
    }

    /// A cache with `max_renders` renders at once (at least one) and at most `max_waiting` requests waiting.
    pub fn with_limits(max_renders: usize, max_waiting: usize) -> Images {
        let max_renders = max_renders.max(1);
        Images {
            cache: ByteCache::default(),
            admitted: Arc::new(Semaphore::new(max_renders + max_waiting)),
            rendering: Arc::new(Semaphore::new(max_renders)),
            max_renders,
        }
    }

    /// Sized to this machine: one render fewer than its cores, at least one.
    pub fn for_this_machine() -> Images {
        Images::new(renders_for_this_machine())
    }

    /// Sized to this machine for vector tiles: as many made at once as images, and up to [`TILES_WAITING`]
    /// waiting (a map asks for a view's tiles at once, and most are quick to make).
    pub fn for_tiles() -> Images {
        Images::with_limits(renders_for_this_machine(), TILES_WAITING)
    }

    /// The cached image for `key`, if any.
    pub fn get(&self, key: &str) -> Option<Bytes> {
        self.cache.get(key)
    }

    /// Keeps `png` under `key` (see [`ByteCache::put`]).
    pub fn put(&self, key: String, png: Bytes) {
        self.cache.put(key, png);
    }

    /// Bytes and images held (for tests and metrics).
    pub fn held(&self) -> (usize, usize) {
        self.cache.held()
    }

    /// Waits for a render slot, or `None` at once when as many requests are already waiting as may.
    pub async fn permit(&self) -> Option<RenderPermit> {
        let admitted = Arc::clone(&self.admitted).try_acquire_owned().ok()?;
        let rendering = Arc::clone(&self.rendering).acquire_owned().await.ok()?;
        Some(RenderPermit { _admitted: admitted, _rendering: rendering })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_keeps_to_its_byte_budget_dropping_the_least_recently_used() {
        let images = Images::new(1);
        let chunk = CACHE_BYTES / 5;
        for i in 0..8 {
            images.put(format!("k{i}"), Bytes::from(vec![0; chunk]));
            assert!(images.held().0 <= CACHE_BYTES);
        }
        assert!(images.get("k0").is_none(), "the oldest image was dropped");
        assert!(images.get("k7").is_some());
        images.put("huge".into(), Bytes::from(vec![0; CACHE_BYTES / 2]));
        assert!(images.get("huge").is_none(), "an image over a quarter of the budget is not kept");
    }

    #[actix_web::test]
    async fn requests_beyond_the_renders_and_the_queue_are_refused_at_once() {
        let images = Images::new(1);
        let rendering = images.permit().await.unwrap();
        // A second request waiting for the render slot (admitted, not yet rendering).
        let waiting = Arc::clone(&images.admitted).try_acquire_owned().unwrap();
        assert!(images.permit().await.is_none(), "a third is refused without waiting");
        drop((rendering, waiting));
        assert!(images.permit().await.is_some(), "slots are given back when permits are dropped");
    }
}

//! Resident memory of the 1,000,000-event store: `cargo bench --bench memory`.
//!
//! Prints the process's resident set size (Linux `/proc/self/status` `VmRSS`) before generating the synthetic
//! layer, after indexing it, and the difference.

use footprint::store::{Collection, CollectionMeta, FeatureProvider, Filter, Role, synthetic};

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

#[expect(clippy::print_stdout, reason = "a benchmark reports its figures on stdout")]
fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let before = rss_kib();
    let meta = CollectionMeta {
        id: "synthetic".into(),
        file: "synthetic.geojson".into(),
        role: Role::Strike,
        title: "Synthetic".into(),
        description: String::new(),
        keywords: vec![],
        license: "CC0-1.0".into(),
        attribution: String::new(),
        translations: std::collections::BTreeMap::new(),
    };
    let store = Collection::new(meta, synthetic::events(1_000_000, 42));
    let after = rss_kib();
    println!("features: {}", store.select(&Filter::default(), 0, usize::MAX).rows.len());
    println!("rss before: {} MiB", before / 1024);
    println!("rss with the 1M-event store: {} MiB", after / 1024);
    println!("store: {} MiB (target <= 400 MB)", (after - before) / 1024);
}

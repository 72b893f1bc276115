//! Resident memory of the 1,000,000-event store: `cargo bench --bench memory` (the features' texts in a file, as a
//! store keeps them), or `cargo bench --bench memory -- held` (texts in memory, as `--data` keeps them).
//!
//! Prints the process's resident set size (Linux `/proc/self/status` `VmRSS`) before generating the synthetic
//! layer, after indexing it, and the difference. The events are made 10,000 at a time and each turned into its
//! entry at once, as a store's log is replayed, so no more than those are ever held as features.

use footprint::store::collection::Entry;
use footprint::store::texts::TextFile;
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
    let held = std::env::args().any(|a| a == "held");
    let file = if held {
        None
    } else {
        match TextFile::create_in(&std::env::temp_dir()) {
            Ok(file) => Some(file),
            Err(err) => {
                eprintln!("no text file in the temporary directory: {err}");
                return;
            }
        }
    };
    let mut entries = Vec::with_capacity(1_000_000);
    for chunk in 0..100_u64 {
        for mut feature in synthetic::events(10_000, 42 + chunk) {
            feature.id = format!("{chunk}-{}", feature.id).into();
            entries.push(Entry::stored(&feature, file.as_deref()));
        }
    }
    let store = Collection::of_entries(meta, entries, file.clone());
    let after = rss_kib();
    println!("features: {}", store.select(&Filter::default(), 0, usize::MAX).rows.len());
    println!(
        "texts: {}",
        file.as_ref().map_or_else(|| "in memory".to_owned(), |f| format!("{} MB in a file", f.len() / 1_000_000))
    );
    println!("rss before: {} MiB", before / 1024);
    println!("rss with the 1M-event store: {} MiB", after / 1024);
    println!("store: {} MiB (target <= 400 MB)", (after - before) / 1024);
}

//! A store's snapshot saved for the next start (`src/store/saved.rs`): a start from it serves exactly what a replay
//! of the store's log serves, with the changes since applied; a saved file of another store, catalog or history, or
//! one cut short, is not used; and the server saves one by itself.

#![expect(clippy::unwrap_used, reason = "a test fails loudly")]

mod common;

use std::path::Path;

use common::TempDir;
use footprint::domain::Feature;
use footprint::store::FeatureProvider as _;
use footprint::store::backend::AccountRole;
use footprint::store::live::{Author, Change, Live, Write};
use footprint::store::start::Start;

fn open(store: &Path) -> Live {
    footprint::cli::data::open(store.to_str().unwrap()).unwrap()
}

fn saved_file(store: &Path) -> std::path::PathBuf {
    let mut name = store.file_name().unwrap().to_os_string();
    name.push(".snapshot");
    store.with_file_name(name)
}

/// Corrects a strike's notes as a publisher.
fn correct(live: &Live, id: &str, note: &str) {
    let snapshot = live.snapshot();
    let head = snapshot.head("strikes", id).unwrap();
    live.write(&Write {
        collection: "strikes".into(),
        feature_id: Some(id.into()),
        change: Change::Patch(serde_json::json!({"properties": {"notes": [note]}})),
        if_match: Some(vec![snapshot.etag(head.seq)]),
        reason: format!("saved test: {note}"),
        author: Author { role: AccountRole::Publisher, account: "pub".into() },
    })
    .unwrap();
}

/// A head as compared: id, change, version, published change, reason.
type HeadSeen = (String, i64, i64, Option<i64>, String);

/// Everything a reader or writer sees of a store: the content hash, every published feature, every head.
fn served(live: &Live) -> (String, Vec<Vec<Feature>>, Vec<Vec<HeadSeen>>, i64) {
    let snapshot = live.snapshot();
    let features = snapshot.data.collections.iter().map(|c| c.read_all()).collect();
    let heads = snapshot
        .heads
        .iter()
        .map(|heads| {
            let mut heads: Vec<_> = heads
                .iter()
                .map(|(id, h)| (id.to_string(), h.seq, h.version, h.published_seq, h.reason.to_string()))
                .collect();
            heads.sort();
            heads
        })
        .collect();
    (snapshot.store().content_hash().to_owned(), features, heads, snapshot.revision)
}

#[test]
fn a_start_from_the_saved_snapshot_serves_what_a_replay_of_the_log_serves() {
    let dir = TempDir::new("saved");
    let store = dir.join("footprint.gpkg");
    let first = open(&store);
    assert_eq!(first.start(), Some(Start::Replayed));
    // What a save cut short by a crash left behind (no process has that id: ids stop below 2^22).
    let abandoned = dir.join("footprint.gpkg.partial-4194999");
    std::fs::write(&abandoned, b"half a snapshot").unwrap();
    correct(&first, "e08", "before the save");
    assert!(first.save_when_due().unwrap(), "a first save is due at once");
    assert!(!first.save_when_due().unwrap(), "and not again until many changes were made");
    assert!(saved_file(&store).exists());
    assert!(!abandoned.exists(), "a save removes what an abandoned one left");
    // Written after the save: a start applies them on top of it.
    correct(&first, "e08", "after the save");
    correct(&first, "e09", "after the save too");
    let expected = served(&first);
    drop(first);

    let second = open(&store);
    assert_eq!(second.start(), Some(Start::Saved { caught_up: 2 }));
    assert_eq!(served(&second), expected);
    let page = second.snapshot().store().collection("strikes").unwrap().feature("e08").unwrap();
    assert_eq!(page.properties.details().notes.first().map(AsRef::as_ref), Some("after the save"));
    // It writes on as any other start: its own texts go to a file of its own.
    correct(&second, "e08", "third");
    let expected = served(&second);
    drop(second);

    std::fs::remove_file(saved_file(&store)).unwrap();
    let replayed = open(&store);
    assert_eq!(replayed.start(), Some(Start::Replayed));
    assert_eq!(served(&replayed), expected, "the same as a replay of the whole log");
}

#[test]
fn a_saved_snapshot_of_another_store_or_history_or_cut_short_is_not_used() {
    let dir = TempDir::new("saved-stale");
    let (one, two) = (dir.join("one.gpkg"), dir.join("two.gpkg"));
    let live = open(&one);
    assert!(live.save_when_due().unwrap());
    drop(live);
    drop(open(&two));
    // Another store's file.
    std::fs::copy(saved_file(&one), saved_file(&two)).unwrap();
    assert_eq!(open(&two).start(), Some(Start::Replayed));

    // A copy of the store (same id) whose history went another way after the save.
    let live = open(&one);
    assert_eq!(live.start(), Some(Start::Saved { caught_up: 0 }));
    let copy = dir.join("copy.gpkg");
    live.with_backend(|b| b.backup(&copy)).unwrap();
    correct(&live, "e08", "in the original");
    drop(live);
    std::fs::remove_file(saved_file(&one)).unwrap();
    let live = open(&one);
    assert!(live.save_when_due().unwrap(), "saved after the original's change");
    drop(live);
    let other = open(&copy);
    correct(&other, "e09", "in the copy");
    let expected = served(&other);
    drop(other);
    std::fs::copy(saved_file(&one), saved_file(&copy)).unwrap();
    let copied = open(&copy);
    assert_eq!(copied.start(), Some(Start::Replayed), "the copy's change of that number is another change");
    assert_eq!(served(&copied), expected);
    drop(copied);

    // Cut short.
    let bytes = std::fs::read(saved_file(&one)).unwrap();
    std::fs::write(saved_file(&one), &bytes[..bytes.len() - 100]).unwrap();
    assert_eq!(open(&one).start(), Some(Start::Replayed));
    // Not one at all.
    std::fs::write(saved_file(&one), b"not a snapshot").unwrap();
    assert_eq!(open(&one).start(), Some(Start::Replayed));
}

#[test]
fn a_new_catalog_makes_the_saved_snapshot_stale() {
    let dir = TempDir::new("saved-catalog");
    let store = dir.join("footprint.gpkg");
    let live = open(&store);
    assert!(live.save_when_due().unwrap());
    let mut catalog: serde_json::Value =
        serde_json::from_slice(&std::fs::read(common::geodata().join("catalog.json")).unwrap()).unwrap();
    catalog["title"] = "Retitled".into();
    let publishers = std::fs::read(common::geodata().join("publishers.json")).unwrap();
    live.with_backend(|b| b.put_files(&serde_json::to_vec(&catalog).unwrap(), &publishers)).unwrap();
    drop(live);
    let again = open(&store);
    assert_eq!(again.start(), Some(Start::Replayed));
    assert_eq!(again.snapshot().store().catalog().title, "Retitled");
    assert!(again.save_when_due().unwrap(), "a replayed start saves again");
}

#[test]
fn a_server_saves_its_snapshot_by_itself_and_starts_from_it_next_time() {
    let dir = TempDir::new("saved-server");
    let store = dir.join("footprint.gpkg");
    let items = "/api/collections/strikes/items?limit=100";
    let (mut server, port) = common::process::start(store.to_str().unwrap());
    let deadline = std::time::Instant::now() + std::time::Duration::from_mins(1);
    while !saved_file(&store).exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(saved_file(&store).exists(), "saved after the first start");
    let (status, before) = common::process::request(port, "GET", items, "", "").unwrap();
    assert_eq!(status, 200);
    server.kill().unwrap();
    server.wait().unwrap();
    let (mut server, port) = common::process::start(store.to_str().unwrap());
    let (status, after) = common::process::request(port, "GET", items, "", "").unwrap();
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(status, 200);
    // The features (the time stamp and the links, with the port, differ).
    let features = |body: &str| {
        let value: serde_json::Value = serde_json::from_str(body.split("\r\n\r\n").nth(1).unwrap_or(body)).unwrap();
        value["features"].clone()
    };
    assert!(features(&after) == features(&before), "the same features after the restart");
    assert_eq!(open(&store).start(), Some(Start::Saved { caught_up: 0 }));
}

//! The store as an operator keeps it, through the `footprint` binary: a GeoPackage created from the curated data,
//! `import` (dry run, then applied), `export` (byte for byte), `check` on a store, `backup` while it serves,
//! accounts, and a second server on the same file picking up the first's writes.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a test fails loudly")]

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{TempDir, geodata};

fn footprint(store: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_footprint"))
        .args(args)
        .env("FOOTPRINT_STORE", store)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn copy_geodata(to: &Path) {
    for entry in std::fs::read_dir(geodata()).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn export_after_import_of_geodata_gives_the_same_files_byte_for_byte() {
    let dir = TempDir::new("import");
    let store = dir.join("footprint.gpkg");
    let plan = stdout(&footprint(&store, &["import", geodata().to_str().unwrap()]));
    assert!(plan.contains("0 new, 0 corrected, 0 retired"), "{plan}");
    let applied = stdout(&footprint(&store, &["import", geodata().to_str().unwrap(), "--apply", "--reason", "sync"]));
    assert!(applied.contains("written to"), "{applied}");
    let out = dir.join("export");
    stdout(&footprint(&store, &["export", out.to_str().unwrap()]));
    for layer in ["sites.geojson", "strikes.geojson", "events.geojson"] {
        let exported = std::fs::read(out.join(layer)).unwrap();
        let curated = std::fs::read(geodata().join(layer)).unwrap();
        assert!(exported == curated, "{layer} differs from geodata/{layer}");
    }
    let checked = stdout(&footprint(&store, &["check", "--store", store.to_str().unwrap()]));
    assert!(checked.contains(": ok"), "{checked}");
}

#[test]
fn import_shows_each_features_difference_and_writes_only_with_apply_and_a_reason() {
    let dir = TempDir::new("import-diff");
    let store = dir.join("footprint.gpkg");
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    copy_geodata(&data);
    let mut strikes: serde_json::Value =
        serde_json::from_slice(&std::fs::read(data.join("strikes.geojson")).unwrap()).unwrap();
    let features = strikes["features"].as_array_mut().unwrap();
    let removed = features.remove(0)["id"].as_str().unwrap().to_owned();
    let corrected = features[0]["id"].as_str().unwrap().to_owned();
    features[0]["properties"]["confidence"] = "low".into();
    features[0]["properties"]["notes"] = serde_json::json!(["Corrected in a test import."]);
    std::fs::write(data.join("strikes.geojson"), serde_json::to_vec_pretty(&strikes).unwrap()).unwrap();
    let mut catalog: serde_json::Value =
        serde_json::from_slice(&std::fs::read(data.join("catalog.json")).unwrap()).unwrap();
    catalog["title"] = "Footprint, as imported".into();
    std::fs::write(data.join("catalog.json"), serde_json::to_vec_pretty(&catalog).unwrap()).unwrap();
    let plan = stdout(&footprint(&store, &["import", data.to_str().unwrap()]));
    assert!(plan.contains("~ catalog.json") && !plan.contains("~ publishers.json"), "{plan}");
    assert!(plan.contains(&format!("- strikes/{removed}: retired")), "{plan}");
    assert!(plan.contains(&format!("~ strikes/{corrected}: properties.")), "{plan}");
    assert!(plan.contains("dry run"), "{plan}");
    let refused = footprint(&store, &["import", data.to_str().unwrap(), "--apply"]);
    assert!(!refused.status.success(), "--apply without --reason is refused");
    stdout(&footprint(&store, &["import", data.to_str().unwrap(), "--apply", "--reason", "Test import"]));
    let again = stdout(&footprint(&store, &["import", data.to_str().unwrap()]));
    assert!(again.contains("0 new, 0 corrected, 0 retired"), "importing the same files again changes nothing: {again}");
    assert!(!again.contains("~ catalog.json"), "{again}");
    let live = footprint::cli::data::open(store.to_str().unwrap()).unwrap();
    assert_eq!(live.snapshot().store().catalog().title, "Footprint, as imported");
    let out = dir.join("export");
    stdout(&footprint(&store, &["export", out.to_str().unwrap()]));
    let exported = std::fs::read_to_string(out.join("strikes.geojson")).unwrap();
    assert!(!exported.contains(&format!("\"id\": \"{removed}\"")));
    assert!(exported.contains("Corrected in a test import."));
}

#[test]
fn accounts_are_listed_without_tokens_and_a_revoked_one_is_marked() {
    let dir = TempDir::new("accounts");
    let store = dir.join("footprint.gpkg");
    let added = stdout(&footprint(&store, &["user", "add", "amal", "--role", "editor"]));
    let token = added.lines().last().unwrap();
    assert!(token.starts_with("fp_"), "{added}");
    let listed = stdout(&footprint(&store, &["user", "list"]));
    assert!(listed.contains("amal\teditor") && listed.contains("active"), "{listed}");
    assert!(!listed.contains(token), "a token is shown once, never listed");
    stdout(&footprint(&store, &["user", "revoke", "amal"]));
    assert!(stdout(&footprint(&store, &["user", "list"])).contains("revoked"));
    assert!(!footprint(&store, &["user", "revoke", "amal"]).status.success());
    assert!(!footprint(&store, &["user", "add", "bad name", "--role", "editor"]).status.success());
    let bytes = std::fs::read(&store).unwrap();
    assert!(!bytes.windows(token.len()).any(|w| w == token.as_bytes()), "the token is not in the store");
}

#[actix_web::test]
async fn a_backup_taken_while_the_store_serves_writes_is_a_consistent_store() {
    let store = common::store().await;
    let path = store.dir.join("footprint.gpkg");
    let backup = store.dir.join("backup.gpkg");
    let live = std::sync::Arc::clone(&store.state.live);
    let writer = std::thread::spawn(move || {
        for i in 0..20 {
            let snapshot = live.snapshot();
            let head = snapshot.head("strikes", "e08").unwrap();
            let write = footprint::store::live::Write {
                collection: "strikes".into(),
                feature_id: Some("e08".into()),
                change: footprint::store::live::Change::Patch(
                    serde_json::json!({"properties": {"notes": [format!("note {i}")]}}),
                ),
                if_match: Some(vec![snapshot.etag(head.seq)]),
                reason: "backup test".into(),
                author: footprint::store::live::Author {
                    role: footprint::store::backend::AccountRole::Publisher,
                    account: "pub".into(),
                },
            };
            live.write(&write).unwrap();
        }
    });
    let copied = footprint(&path, &["backup", backup.to_str().unwrap()]);
    writer.join().unwrap();
    assert!(stdout(&copied).contains("copied to"));
    let checked = stdout(&footprint(&backup, &["check", "--store", backup.to_str().unwrap()]));
    assert!(checked.contains(": ok"), "{checked}");
    assert!(!footprint(&path, &["backup", backup.to_str().unwrap()]).status.success(), "never overwrites a file");
}

#[test]
fn a_second_server_on_the_same_store_picks_up_the_first_ones_writes() {
    use footprint::store::backend::AccountRole;
    use footprint::store::live::{Author, Change, Write};
    let dir = TempDir::new("two");
    let path = dir.join("footprint.gpkg").display().to_string();
    let first = footprint::cli::data::open(&path).unwrap();
    let second = footprint::cli::data::open(&path).unwrap();
    let snapshot = first.snapshot();
    let head = snapshot.head("strikes", "e08").unwrap();
    first
        .write(&Write {
            collection: "strikes".into(),
            feature_id: Some("e08".into()),
            change: Change::Patch(serde_json::json!({"properties": {"confidence": "low"}})),
            if_match: Some(vec![snapshot.etag(head.seq)]),
            reason: "seen by the other".into(),
            author: Author { role: AccountRole::Publisher, account: "a".into() },
        })
        .unwrap();
    assert!(second.refresh().unwrap(), "the second sees a change");
    assert_eq!(second.snapshot().store().content_hash(), first.snapshot().store().content_hash());
    assert!(!second.refresh().unwrap(), "and nothing more");
    // A new catalog (footprint import) reaches a running server too.
    let mut catalog: serde_json::Value =
        serde_json::from_slice(&std::fs::read(geodata().join("catalog.json")).unwrap()).unwrap();
    catalog["title"] = "Retitled by an import".into();
    let publishers = std::fs::read(geodata().join("publishers.json")).unwrap();
    first.with_backend(|b| b.put_files(&serde_json::to_vec(&catalog).unwrap(), &publishers)).unwrap();
    assert!(second.refresh().unwrap());
    assert_eq!(second.snapshot().store().catalog().title, "Retitled by an import");
    // A write based on what the second held before it refreshed would have been refused.
    let stale = Write {
        collection: "strikes".into(),
        feature_id: Some("e08".into()),
        change: Change::Patch(serde_json::json!({"properties": {"confidence": "high"}})),
        if_match: Some(vec![snapshot.etag(head.seq)]),
        reason: "stale".into(),
        author: Author { role: AccountRole::Publisher, account: "b".into() },
    };
    assert!(matches!(second.write(&stale), Err(footprint::store::live::WriteError::Stale { .. })));
}

#[test]
fn generated_real_shaped_layers_pass_every_rule_and_the_same_seed_gives_the_same_files() {
    let dir = TempDir::new("generate");
    let store = dir.join("unused.gpkg"); // generate reads no store
    let (one, two, other) = (dir.join("one"), dir.join("two"), dir.join("other"));
    let said = stdout(&footprint(&store, &["generate", one.to_str().unwrap(), "--strikes", "300", "--seed", "7"]));
    assert!(said.contains("300 strikes"), "{said}");
    stdout(&footprint(&store, &["generate", two.to_str().unwrap(), "--strikes", "300", "--seed", "7"]));
    stdout(&footprint(&store, &["generate", other.to_str().unwrap(), "--strikes", "300", "--seed", "8"]));
    // Every data rule holds: in Syria and on land, dated sources, claims, ids.
    let check = Command::new(env!("CARGO_BIN_EXE_footprint"))
        .args(["check", one.to_str().unwrap()])
        .env_remove("FOOTPRINT_STORE")
        .output()
        .unwrap();
    let checked = stdout(&check);
    assert!(checked.contains("strikes.geojson: 300 features"), "{checked}");
    let layer = |dir: &Path| std::fs::read_to_string(dir.join("strikes.geojson")).unwrap();
    assert_eq!(layer(&one), layer(&two), "the same seed gives the same layer");
    assert_ne!(layer(&one), layer(&other));
    // Real-shaped: every generated strike carries a curated strike's names, sources and quotes.
    let generated: serde_json::Value = serde_json::from_str(&layer(&one)).unwrap();
    let curated: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(geodata().join("strikes.geojson")).unwrap()).unwrap();
    let first = &generated["features"][0]["properties"];
    let template = &curated["features"][0]["properties"];
    assert_eq!(first["name"], template["name"]);
    assert_eq!(first["sources"].as_array().unwrap().len(), template["sources"].as_array().unwrap().len());
    assert_eq!(first["sources"][0]["quote"], template["sources"][0]["quote"]);
    assert_eq!(
        std::fs::read(one.join("catalog.json")).unwrap(),
        std::fs::read(geodata().join("catalog.json")).unwrap()
    );
}

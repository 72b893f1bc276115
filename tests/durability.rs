//! Never lose an acknowledged write: a client writes in a loop while the server is killed with SIGKILL at a
//! random moment; after a restart on the same store every acknowledged write is there, and the store passes
//! `footprint check` (no half-written feature).

#![expect(clippy::unwrap_used, clippy::panic, reason = "a test fails loudly")]

mod common;

use common::process::{request, start};

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A new strike with this id, as JSON.
pub fn strike(id: &str) -> String {
    serde_json::json!({
        "type": "Feature", "id": id,
        "geometry": {"type": "Point", "coordinates": [36.2765, 33.5138]},
        "properties": {
            "name": {"en": format!("Durability test {id}")}, "kind": "airstrike",
            "start": "2025-06-01", "start_precision": "day", "end": "2025-06-01", "end_precision": "day",
            "location_precision": "town", "confidence": "low", "target": "a depot", "actor": "unknown",
            "attribution": [{"stance": "reported", "by": "SANA", "source": 0}],
            "sources": [{"publisher": "SANA", "url": "https://sanasyria.org/en/?p=1", "date": "2025-06-01"}]
        }
    })
    .to_string()
}

#[test]
fn no_acknowledged_write_is_lost_when_a_server_on_a_geopackage_is_killed_mid_write() {
    let dir = common::TempDir::new("kill");
    writes_survive_kill_9(&dir.join("footprint.gpkg").display().to_string());
}

#[test]
fn no_acknowledged_write_is_lost_when_a_server_on_postgresql_is_killed_mid_write() {
    writes_survive_kill_9(&common::postgres_database("kill"));
}

fn writes_survive_kill_9(store: &str) {
    let output = Command::new(env!("CARGO_BIN_EXE_footprint"))
        .args(["user", "add", "writer", "--role", "publisher"])
        .env("FOOTPRINT_STORE", store)
        .output()
        .unwrap();
    let token = String::from_utf8(output.stdout).unwrap().lines().last().unwrap().to_owned();
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    for round in 0..3u32 {
        let (mut child, port) = start(store);
        let (acks, token) = (Arc::clone(&acknowledged), token.clone());
        let writer = std::thread::spawn(move || {
            let headers = format!(
                "Authorization: Bearer {token}\r\nFootprint-Reason: durability%20test\r\nContent-Type: application/geo+json\r\n"
            );
            for i in 0.. {
                let id = format!("kill-{round}-{i}");
                match request(port, "POST", "/api/collections/strikes/items", &headers, &strike(&id)) {
                    Some((201, _)) => acks.lock().unwrap().push(id),
                    Some((status, body)) => panic!("write {id}: {status}: {body}"),
                    None => break,
                }
            }
        });
        // Once writes flow (a few acknowledged this round), a random moment up to 0.7 s later, different each run.
        let before = acknowledged.lock().unwrap().len();
        let deadline = Instant::now() + Duration::from_mins(1);
        while acknowledged.lock().unwrap().len() < before + 5 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        let delay = u64::from(seed.rotate_left(round * 7) % 700);
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        writer.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() > 10, "the writer made progress: {} writes", acknowledged.len());
    let (mut child, port) = start(store);
    for id in &acknowledged {
        let (status, body) = request(port, "GET", &format!("/api/collections/strikes/items/{id}"), "", "").unwrap();
        assert_eq!(status, 200, "acknowledged write {id} is lost: {body}");
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let check = Command::new(env!("CARGO_BIN_EXE_footprint")).args(["check", "--store", store]).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
}

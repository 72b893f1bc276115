//! Several `footprint serve` processes on one PostgreSQL + PostGIS database, as a deployment with replicas runs
//! them: each sees the others' published writes without a restart, and two editors writing the same feature
//! through different replicas never overwrite each other.

#![expect(clippy::unwrap_used, reason = "a test fails loudly")]

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::process::{request, start};

fn etag(response: &str) -> String {
    response
        .lines()
        .find_map(|l| l.strip_prefix("etag: ").or_else(|| l.strip_prefix("ETag: ")))
        .unwrap()
        .trim()
        .to_owned()
}

fn confidence(port: u16, id: &str) -> String {
    let (_, response) = request(port, "GET", &format!("/api/collections/strikes/items/{id}"), "", "").unwrap();
    let body = response.split("\r\n\r\n").nth(1).unwrap();
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    json["properties"]["confidence"].as_str().unwrap().to_owned()
}

fn patch(port: u16, token: &str, tag: &str, id: &str, confidence: &str) -> u16 {
    let headers = format!(
        "Authorization: Bearer {token}\r\nIf-Match: {tag}\r\nFootprint-Reason: replica%20test\r\n\
         Content-Type: application/merge-patch+json\r\n"
    );
    let body = format!("{{\"properties\": {{\"confidence\": \"{confidence}\"}}}}");
    request(port, "PATCH", &format!("/api/collections/strikes/items/{id}"), &headers, &body).unwrap().0
}

/// How long until `port` serves `expected` for `id` (at most 20 s).
fn seen_after(port: u16, id: &str, expected: &str) -> Duration {
    let begun = Instant::now();
    while confidence(port, id) != expected {
        assert!(begun.elapsed() < Duration::from_secs(20), "{expected} never reached the other replica");
        std::thread::sleep(Duration::from_millis(20));
    }
    begun.elapsed()
}

#[test]
fn two_replicas_on_one_database_see_each_others_writes_and_never_overwrite_each_other() {
    let store = common::postgres_database("replicas");
    let added = Command::new(env!("CARGO_BIN_EXE_footprint"))
        .args(["user", "--store", &store, "add", "desk", "--role", "publisher"])
        .output()
        .unwrap();
    let token = String::from_utf8(added.stdout).unwrap().lines().last().unwrap().to_owned();
    let (mut first, a) = start(&store);
    let (mut second, b) = start(&store);
    // A write through one replica reaches the other.
    let tag = etag(&request(a, "GET", "/api/collections/strikes/items/e08", "", "").unwrap().1);
    assert_eq!(patch(a, &token, &tag, "e08", "low"), 200);
    let delay_ab = seen_after(b, "e08", "low");
    let tag = etag(&request(b, "GET", "/api/collections/strikes/items/e08", "", "").unwrap().1);
    assert_eq!(patch(b, &token, &tag, "e08", "high"), 200);
    let delay_ba = seen_after(a, "e08", "high");
    eprintln!("a published write reached the other replica after {delay_ab:?} and {delay_ba:?}");
    // Two editors with the same ETag, one on each replica: one wins, the other is told it changed.
    let tag = etag(&request(a, "GET", "/api/collections/strikes/items/e09", "", "").unwrap().1);
    let (token_a, tag_a) = (token.clone(), tag.clone());
    let on_a = std::thread::spawn(move || patch(a, &token_a, &tag_a, "e09", "low"));
    let on_b = patch(b, &token, &tag, "e09", "medium");
    let mut statuses = [on_a.join().unwrap(), on_b];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412]);
    for child in [&mut first, &mut second] {
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

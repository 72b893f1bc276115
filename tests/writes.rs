//! OGC API – Features Part 4 against the real route table over a GeoPackage store: every operation and error,
//! accounts and roles, drafts against published data, history, and the corrections feed.

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a test fails loudly")]

mod common;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::HeaderMap;
use actix_web::test::TestRequest;
use common::{Store, get, get_json, get_with, service_with};
use serde_json::{Value, json};

on_both_stores!(
    a_publisher_creates_a_strike_which_the_public_then_sees_in_the_api_and_the_data_files,
    a_feature_sent_back_exactly_as_get_served_it_is_accepted_by_put_and_changes_nothing,
    an_editors_write_is_a_draft_that_only_signed_in_editors_see_until_a_publisher_publishes_it,
    every_refused_write_gets_a_json_body_naming_what_is_wrong_and_changes_nothing,
    a_retired_feature_leaves_queries_and_maps_but_keeps_its_history_and_appears_in_the_feed,
    of_writers_sending_the_same_etag_at_once_exactly_one_wins_and_the_rest_get_412,
    the_changes_feed_lists_published_changes_newest_first_in_pages_and_after_a_time,
    failed_sign_ins_are_limited_per_client_address,
    a_drafted_strike_reaches_downloads_cards_and_images_only_once_published,
);

/// One write: `method uri` with a token, an `If-Match`, a reason and a JSON body (each optional).
struct Send<'a> {
    method: &'a str,
    uri: &'a str,
    token: Option<&'a str>,
    if_match: Option<&'a str>,
    reason: Option<&'a str>,
    body: Option<Value>,
    content_type: &'a str,
}

impl<'a> Send<'a> {
    fn new(method: &'a str, uri: &'a str, token: &'a str) -> Send<'a> {
        Send {
            method,
            uri,
            token: Some(token),
            if_match: None,
            reason: Some("A%20test%20write"),
            body: None,
            content_type: "application/geo+json",
        }
    }

    fn request(&self) -> TestRequest {
        let method = actix_web::http::Method::from_bytes(self.method.as_bytes()).unwrap();
        let mut request = TestRequest::default().method(method).uri(self.uri);
        if let Some(token) = self.token {
            request = request.insert_header(("Authorization", format!("Bearer {token}")));
        }
        if let Some(tag) = self.if_match {
            request = request.insert_header(("If-Match", tag));
        }
        if let Some(reason) = self.reason {
            request = request.insert_header(("Footprint-Reason", reason));
        }
        if let Some(body) = &self.body {
            request = request.insert_header(("Content-Type", self.content_type)).set_payload(body.to_string());
        }
        request
    }

    async fn to<S, B>(&self, app: &S) -> (u16, HeaderMap, Value)
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        let (status, headers, body) = get_with(app, self.request()).await;
        let json = if body.is_empty() { Value::Null } else { serde_json::from_slice(&body).unwrap_or(Value::Null) };
        (status, headers, json)
    }
}

fn etag(headers: &HeaderMap) -> String {
    headers.get("etag").expect("an ETag").to_str().unwrap().to_owned()
}

/// A new strike as an editor would send it: every required field, sourced, attributed.
fn new_strike() -> Value {
    json!({
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [36.2765, 33.5138]},
        "properties": {
            "name": {"en": "Test strike near Damascus"},
            "kind": "airstrike",
            "start": "2025-06-01", "start_precision": "day", "end": "2025-06-01", "end_precision": "day",
            "location_precision": "town",
            "confidence": "low",
            "target": "a depot", "actor": "unknown",
            "attribution": [{"stance": "reported", "by": "SANA", "source": 0}],
            "sources": [{"publisher": "SANA", "url": "https://sanasyria.org/en/?p=1", "date": "2025-06-01"}]
        }
    })
}

async fn a_publisher_creates_a_strike_which_the_public_then_sees_in_the_api_and_the_data_files(store: Store) {
    let app = service_with(store.state.clone()).await;
    let (_, before, _) = get(&app, "/api/collections/strikes/items").await;
    let mut send = Send::new("POST", "/api/collections/strikes/items", &store.publisher);
    send.body = Some(new_strike());
    let (status, headers, body) = send.to(&app).await;
    assert_eq!(status, 201, "{body}");
    let location = headers.get("location").unwrap().to_str().unwrap().to_owned();
    let id = body["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("strike-2025-06-01-"), "{id}");
    assert!(location.ends_with(&format!("/api/collections/strikes/items/{id}")), "{location}");
    assert_eq!(body["stage"], "published");
    let path = location.replace("http://localhost:8080", "");
    let (status, item_headers, item) = get(&app, &path).await;
    assert_eq!(status, 200);
    let item: Value = serde_json::from_slice(&item).unwrap();
    assert_eq!(item["properties"]["name"]["en"], "Test strike near Damascus");
    assert_eq!(etag(&item_headers).trim_end_matches("-en\""), etag(&headers).trim_end_matches('"'));
    let (_, file, layer) = get(&app, "/data/strikes.geojson").await;
    assert!(String::from_utf8_lossy(&layer).contains(&id));
    assert_ne!(etag(&before), etag(&file), "the data's ETag follows the write");
    let (_, after, _) = get(&app, "/api/collections/strikes/items").await;
    assert_ne!(etag(&before), etag(&after));
}

async fn a_feature_sent_back_exactly_as_get_served_it_is_accepted_by_put_and_changes_nothing(store: Store) {
    let app = service_with(store.state.clone()).await;
    let uri = "/api/collections/sites/items/khmeimim.2015-09-30";
    let (status, headers, body) = get(&app, &format!("{uri}?lang=ar")).await;
    assert_eq!(status, 200);
    let served: Value = serde_json::from_slice(&body).unwrap();
    assert!(
        served.get("links").is_some() && served.get("time").is_some() && served["properties"].get("title").is_some()
    );
    let tag = etag(&headers);
    let mut send = Send::new("PUT", uri, &store.publisher);
    send.if_match = Some(&tag);
    send.body = Some(served.clone());
    let (status, _, written) = send.to(&app).await;
    assert_eq!(status, 200, "{written}");
    assert_eq!(written["changed"], json!([]));
    let (_, again) = get_json(&app, &format!("{uri}?lang=ar")).await;
    assert_eq!(again["properties"], served["properties"]);
    // The JSON-FG time member must agree with the dates when it is sent.
    let (_, headers, _) = get(&app, uri).await;
    let tag = etag(&headers);
    let mut wrong = served.clone();
    wrong["time"] = json!({"date": "1999-01-01"});
    let mut send = Send::new("PUT", uri, &store.publisher);
    send.if_match = Some(&tag);
    send.body = Some(wrong);
    let (status, _, body) = send.to(&app).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["problems"].as_array().unwrap().iter().any(|p| p["field"] == "time"), "{body}");
}

async fn an_editors_write_is_a_draft_that_only_signed_in_editors_see_until_a_publisher_publishes_it(store: Store) {
    let app = service_with(store.state.clone()).await;
    let uri = "/api/collections/strikes/items/e07";
    let (_, headers, public) = get(&app, uri).await;
    let public: Value = serde_json::from_slice(&public).unwrap();
    let tag = etag(&headers);
    let mut send = Send::new("PATCH", uri, &store.editor);
    send.if_match = Some(&tag);
    send.reason = Some("Added%20a%20note%20from%20the%20audit");
    send.content_type = "application/merge-patch+json";
    send.body = Some(json!({"properties": {"confidence": "medium"}}));
    let (status, draft_headers, body) = send.to(&app).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["stage"], "draft");
    assert_eq!(body["changed"], json!(["properties.confidence"]));
    // The public sees no change anywhere.
    let (_, now) = get_json(&app, uri).await;
    assert_eq!(now["properties"], public["properties"]);
    let (_, layer) = get_json(&app, "/data/strikes.geojson").await;
    let e07 = layer["features"].as_array().unwrap().iter().find(|f| f["id"] == "e07").unwrap();
    assert_eq!(e07["properties"]["confidence"], public["properties"]["confidence"]);
    let (status, _) = get_json(&app, &format!("{uri}?stage=draft")).await;
    assert_eq!(status, 401);
    // A signed-in editor reads the draft, alone or in the list of drafts.
    let draft_uri = format!("{uri}?stage=draft");
    let mut read = Send::new("GET", &draft_uri, &store.editor);
    read.reason = None;
    let (status, headers, draft) = read.to(&app).await;
    assert_eq!(status, 200);
    assert_eq!(draft["properties"]["confidence"], "medium");
    assert_eq!(etag(&headers).trim_end_matches("-en\""), etag(&draft_headers).trim_end_matches('"'));
    let mut list = Send::new("GET", "/api/collections/strikes/items?stage=draft", &store.editor);
    list.reason = None;
    let (_, _, drafts) = list.to(&app).await;
    assert_eq!(drafts["numberMatched"], 1);
    assert_eq!(drafts["features"][0]["draft"]["reason"], "Added a note from the audit");
    // Only a publisher publishes, and only the draft it read (If-Match names it).
    let publish = format!("{uri}/publish");
    let draft_tag = etag(&draft_headers);
    let mut send = Send::new("POST", &publish, &store.editor);
    send.reason = None;
    send.if_match = Some(&draft_tag);
    assert_eq!(send.to(&app).await.0, 403);
    send.token = Some(&store.publisher);
    send.if_match = None;
    assert_eq!(send.to(&app).await.0, 428);
    send.if_match = Some(&draft_tag);
    let (status, published_headers, body) = send.to(&app).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["reason"], "Added a note from the audit");
    let (_, now) = get_json(&app, uri).await;
    assert_eq!(now["properties"]["confidence"], "medium");
    assert_eq!(now["updated"]["reason"], "Added a note from the audit");
    let published_tag = etag(&published_headers);
    send.if_match = Some(&published_tag);
    assert_eq!(send.to(&app).await.0, 409, "nothing left to publish");
    // History: the public sees the creation and the publication; editors see the draft too.
    let (_, history) = get_json(&app, &format!("{uri}/history")).await;
    let stages: Vec<&str> =
        history["versions"].as_array().unwrap().iter().map(|v| v["stage"].as_str().unwrap()).collect();
    assert_eq!(stages, ["published", "published"]);
    assert!(history["versions"][1].get("account").is_none(), "no account names in public output");
    assert_eq!(history["versions"][1]["role"], "publisher");
    let history_uri = format!("{uri}/history");
    let mut read = Send::new("GET", &history_uri, &store.editor);
    read.reason = None;
    let (_, _, history) = read.to(&app).await;
    assert_eq!(history["versions"].as_array().unwrap().len(), 3);
    assert_eq!(history["versions"][1]["stage"], "draft");
    assert_eq!(history["versions"][1]["role"], "editor");
}

async fn every_refused_write_gets_a_json_body_naming_what_is_wrong_and_changes_nothing(store: Store) {
    let app = service_with(store.state.clone()).await;
    let uri = "/api/collections/strikes/items/e07";
    let (_, headers, _) = get(&app, uri).await;
    let tag = etag(&headers);
    let patch = |token| {
        let mut send = Send::new("PATCH", uri, token);
        send.if_match = Some(&tag);
        send.content_type = "application/merge-patch+json";
        send.body = Some(json!({"properties": {"notes": ["x"]}}));
        send
    };
    let cases: Vec<(Send<'_>, u16, &str)> = vec![
        (Send { token: None, ..patch(&store.editor) }, 401, "Unauthorized"),
        (Send { token: Some("fp_0_nonsense"), ..patch(&store.editor) }, 401, "Unauthorized"),
        (Send { reason: None, ..patch(&store.editor) }, 400, "Footprint-Reason"),
        (Send { reason: Some("%FF"), ..patch(&store.editor) }, 400, "Footprint-Reason"),
        (Send { if_match: None, ..patch(&store.editor) }, 428, "If-Match"),
        (Send { if_match: Some("\"someone-else-1\""), ..patch(&store.editor) }, 412, "changed since"),
        (Send { content_type: "text/plain", ..patch(&store.editor) }, 415, "text/plain"),
        (
            Send { body: Some(json!({"properties": {"start": "June"}})), ..patch(&store.editor) },
            400,
            "properties.start",
        ),
        (
            Send { body: Some(json!({"properties": {"sources": []}})), ..patch(&store.editor) },
            400,
            "properties.sources",
        ),
        (Send { body: Some(json!({"id": "e08"})), ..patch(&store.editor) }, 400, "id"),
        (Send { uri: "/api/collections/nowhere/items/e07", ..patch(&store.editor) }, 404, "nowhere"),
        (Send { uri: "/api/collections/strikes/items/nothing", ..patch(&store.editor) }, 404, "nothing"),
    ];
    for (send, expected, names) in cases {
        let (status, headers, body) = send.to(&app).await;
        assert_eq!(status, expected, "{} {:?}: {body}", send.uri, send.reason);
        assert!(body.to_string().contains(names), "{expected}: {body} should name {names}");
        if status == 401 {
            assert!(headers.get("www-authenticate").unwrap().to_str().unwrap().starts_with("Bearer"));
        }
        if status == 412 {
            assert_eq!(etag(&headers), etag(&get(&app, uri).await.1).replace("-en\"", "\""));
        }
    }
    let mut existing = Send::new("POST", "/api/collections/strikes/items", &store.publisher);
    let mut body = new_strike();
    body["id"] = json!("e07");
    existing.body = Some(body);
    let (status, _, body) = existing.to(&app).await;
    assert_eq!(status, 409, "{body}");
    // Nothing was written: the feature has its first version only.
    let (_, history) = get_json(&app, &format!("{uri}/history")).await;
    assert_eq!(history["versions"].as_array().unwrap().len(), 1);
    let (_, after, _) = get(&app, uri).await;
    assert_eq!(etag(&after), etag(&headers));
}

async fn a_retired_feature_leaves_queries_and_maps_but_keeps_its_history_and_appears_in_the_feed(store: Store) {
    let app = service_with(store.state.clone()).await;
    let uri = "/api/collections/strikes/items/e07";
    let (_, headers, _) = get(&app, uri).await;
    let tag = etag(&headers);
    let mut send = Send::new("DELETE", uri, &store.publisher);
    assert_eq!(send.to(&app).await.0, 428);
    send.if_match = Some(&tag);
    send.reason = Some("Duplicate%20of%20e08");
    let (status, _, body) = send.to(&app).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["action"], "retire");
    let (status, body) = get_json(&app, uri).await;
    assert_eq!(status, 410, "{body}");
    let (_, items) = get_json(&app, "/api/collections/strikes/items?limit=1000").await;
    assert!(!common::ids(&items).contains(&"e07".to_owned()));
    let (_, history) = get_json(&app, &format!("{uri}/history")).await;
    assert_eq!(history["retired"], true);
    let (_, changes) = get_json(&app, "/api/changes?limit=1").await;
    assert_eq!(changes["changes"][0]["id"], "e07");
    assert_eq!(changes["changes"][0]["action"], "retire");
    assert_eq!(changes["changes"][0]["reason"], "Duplicate of e08");
    assert_eq!(send.to(&app).await.0, 410, "a retired feature cannot be changed");
}

async fn of_writers_sending_the_same_etag_at_once_exactly_one_wins_and_the_rest_get_412(store: Store) {
    let app = service_with(store.state.clone()).await;
    let uri = "/api/collections/strikes/items/e08";
    let (_, headers, _) = get(&app, uri).await;
    let tag = etag(&headers);
    let sends: Vec<Send<'_>> = (0..8)
        .map(|i| {
            let mut send = Send::new("PATCH", uri, &store.publisher);
            send.if_match = Some(&tag);
            send.content_type = "application/merge-patch+json";
            send.body = Some(json!({"properties": {"notes": [format!("writer {i}")]}}));
            send
        })
        .collect();
    let statuses: Vec<u16> =
        futures_util::future::join_all(sends.iter().map(|s| s.to(&app))).await.into_iter().map(|r| r.0).collect();
    assert_eq!(statuses.iter().filter(|&&s| s == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|&&s| s == 412).count(), 7, "{statuses:?}");
}

async fn the_changes_feed_lists_published_changes_newest_first_in_pages_and_after_a_time(store: Store) {
    let app = service_with(store.state.clone()).await;
    let (_, all) = get_json(&app, "/api/changes?limit=5").await;
    let total = all["numberMatched"].as_u64().unwrap();
    assert!(total > 50, "every curated feature's creation is a change");
    let next = all["links"].as_array().unwrap().iter().find(|l| l["rel"] == "next").unwrap()["href"].as_str().unwrap();
    let (_, second) = get_json(&app, &next.replace("http://localhost:8080", "")).await;
    assert!(second["changes"][0]["seq"].as_i64() < all["changes"][4]["seq"].as_i64());
    let mut send = Send::new("POST", "/api/collections/strikes/items", &store.publisher);
    send.body = Some(new_strike());
    send.to(&app).await;
    let mut draft = Send::new("POST", "/api/collections/strikes/items", &store.editor);
    draft.body = Some(new_strike());
    draft.to(&app).await;
    let (_, now) = get_json(&app, "/api/changes?limit=1").await;
    assert_eq!(now["numberMatched"].as_u64().unwrap(), total + 1, "a draft is not a public change");
    assert_eq!(now["changes"][0]["action"], "create");
    let at = now["changes"][0]["at"].as_str().unwrap();
    let (_, none) = get_json(&app, &format!("/api/changes?since={}", at.replace('+', "%2B"))).await;
    assert_eq!(none["numberMatched"], 0);
    let (status, body) = get_json(&app, "/api/changes?since=yesterday").await;
    assert_eq!(status, 400);
    assert!(body["description"].as_str().unwrap().contains("since"));
    let (status, _, atom) = get(&app, "/api/changes.atom").await;
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&atom).contains("<title>Added: Test strike near Damascus (strikes)</title>"));
}

async fn failed_sign_ins_are_limited_per_client_address(store: Store) {
    let app = service_with(store.state.clone()).await;
    let drafts = "/api/collections/strikes/items?stage=draft";
    let mut read = Send::new("GET", drafts, &store.publisher);
    read.reason = None;
    assert_eq!(read.to(&app).await.0, 200, "the publisher signs in before the attack");
    let mut send = Send::new("GET", drafts, "fp_bad_token");
    send.reason = None;
    for _ in 0..footprint::http::auth::MAX_FAILURES {
        assert_eq!(send.to(&app).await.0, 401);
    }
    let (status, headers, body) = send.to(&app).await;
    assert_eq!(status, 429, "{body}");
    assert!(headers.get("retry-after").is_some());
    send.token = Some(&store.editor);
    assert_eq!(send.to(&app).await.0, 429, "a token not yet verified waits: the address is locked out");
    assert_eq!(read.to(&app).await.0, 200, "a token this server verified before still gets in (behind a proxy)");
}

#[actix_web::test]
async fn a_server_of_a_data_directory_answers_writes_with_405_and_has_no_history() {
    let app = common::service().await;
    let mut send = Send::new("POST", "/api/collections/strikes/items", "fp_x_y");
    send.token = None;
    send.body = Some(new_strike());
    let (status, _, body) = send.to(&app).await;
    assert_eq!(status, 405, "{body}");
    assert!(body["description"].as_str().unwrap().contains("read-only"));
    let (status, body) = get_json(&app, "/api/changes").await;
    assert_eq!(status, 404, "{body}");
}

fn description(page: &[u8]) -> String {
    let html = String::from_utf8_lossy(page);
    let needle = "og:description\" content=\"";
    let start = html.find(needle).expect("a card") + needle.len();
    html[start..].split('"').next().unwrap().to_owned()
}

async fn a_drafted_strike_reaches_downloads_cards_and_images_only_once_published(store: Store) {
    let app = service_with(store.state.clone()).await;
    let page = "/?t=2025-06-01&w=7";
    let image = "/api/static.png?t=2025-06-01&w=7&width=200&height=100";
    let download = "/api/collections/strikes/download?f=geojson&datetime=2025-06-01";
    let (_, _, before_page) = get(&app, page).await;
    let (_, before_image, _) = get(&app, image).await;
    let (_, before_download) = get_json(&app, download).await;
    let mut send = Send::new("POST", "/api/collections/strikes/items", &store.editor);
    send.body = Some(new_strike());
    let (status, draft_headers, draft) = send.to(&app).await;
    assert_eq!(status, 201, "{draft}");
    assert_eq!(draft["stage"], "draft");
    let draft_tag = etag(&draft_headers);
    let id = draft["id"].as_str().unwrap().to_owned();
    // Nothing public changed.
    assert_eq!(description(&get(&app, page).await.2), description(&before_page));
    assert_eq!(etag(&get(&app, image).await.1), etag(&before_image));
    assert_eq!(get_json(&app, download).await.1, before_download);
    assert_eq!(get(&app, &format!("/api/collections/strikes/items/{id}")).await.0, 404);
    // Published: everywhere at once.
    let publish = format!("/api/collections/strikes/items/{id}/publish");
    let mut send = Send::new("POST", &publish, &store.publisher);
    send.reason = None;
    send.if_match = Some(&draft_tag);
    assert_eq!(send.to(&app).await.0, 200);
    assert_ne!(description(&get(&app, page).await.2), description(&before_page));
    assert_ne!(etag(&get(&app, image).await.1), etag(&before_image));
    let (_, after_download) = get_json(&app, download).await;
    assert!(common::ids(&after_download).contains(&id));
}

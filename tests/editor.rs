//! The browser editor's server side against the real route table: signing in and out with a session cookie, CSRF
//! and same-origin checks, expired and revoked sessions, checking a feature without writing, the editor's list of
//! heads, a publisher sending a draft back, and importing an ACLED export as drafts (a dry run first; a second
//! import changes nothing).

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a test fails loudly")]

mod common;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header::HeaderMap;
use actix_web::test::TestRequest;
use common::{Store, get_with, service_with};
use serde_json::{Value, json};

on_both_stores!(
    an_editor_signs_in_with_a_token_writes_with_the_session_and_signs_out,
    requests_from_another_site_or_without_the_csrf_token_are_refused,
    an_expired_or_revoked_session_no_longer_signs_anyone_in,
    an_acled_export_is_checked_row_by_row_then_imported_as_drafts_once,
    a_publisher_sends_a_draft_back_with_a_note_and_publishes_it_once_saved_again,
);

const ORIGIN: &str = "http://localhost:8080";

async fn send<S, B>(app: &S, request: TestRequest) -> (u16, HeaderMap, Vec<u8>)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    get_with(app, request.insert_header(("Host", "localhost:8080"))).await
}

fn json_of(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap_or(Value::Null)
}

/// Signs in through the form; the session cookie's value and its `Set-Cookie` header.
async fn sign_in<S, B>(app: &S, token: &str) -> (String, String)
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let form =
        form_urlencoded::Serializer::new(String::new()).append_pair("token", token).append_pair("lang", "en").finish();
    let request = TestRequest::post()
        .uri("/edit/sign-in")
        .insert_header(("Origin", ORIGIN))
        .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
        .set_payload(form);
    let (status, headers, body) = send(app, request).await;
    assert_eq!(status, 303, "{}", String::from_utf8_lossy(&body));
    let location = headers.get("location").unwrap().to_str().unwrap();
    assert_eq!(location, "/edit?lang=en");
    let set_cookie = headers.get("set-cookie").expect("a session cookie").to_str().unwrap().to_owned();
    let value = set_cookie.split(';').next().unwrap().trim_start_matches("fp_session=").to_owned();
    assert!(!location.contains(&value), "the session never goes in a URL");
    (value, set_cookie)
}

/// The CSRF token the editor's page carries for this session.
async fn csrf<S, B>(app: &S, cookie: &str) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let request = TestRequest::get().uri("/edit").insert_header(("Cookie", format!("fp_session={cookie}")));
    let (status, headers, body) = send(app, request).await;
    assert_eq!(status, 200);
    assert_eq!(headers.get("x-frame-options").unwrap(), "DENY", "the editor cannot be framed");
    assert!(headers.get("content-security-policy").unwrap().to_str().unwrap().contains("frame-ancestors 'none'"));
    assert_eq!(headers.get("cache-control").unwrap(), "no-store");
    let html = String::from_utf8(body).unwrap();
    let start = html.find("data-csrf=\"").expect("the page carries its CSRF token") + "data-csrf=\"".len();
    html[start..start + 32].to_owned()
}

fn new_strike(name: &str) -> Value {
    json!({
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [36.2765, 33.5138]},
        "properties": {
            "name": {"en": name, "ar": "ضربة تجريبية قرب دمشق"},
            "kind": "airstrike",
            "start": "2025-06-01", "start_precision": "day", "end": "2025-06-01", "end_precision": "day",
            "location_precision": "town", "confidence": "low", "target": "a depot", "actor": "unknown",
            "attribution": [{"stance": "reported", "by": "SANA", "source": 0}],
            "sources": [{"publisher": "SANA", "url": "https://sanasyria.org/en/?p=1", "date": "2025-06-01"}]
        }
    })
}

/// A write with the session cookie, the same origin and the CSRF token.
fn with_session(request: TestRequest, cookie: &str, csrf: &str) -> TestRequest {
    request
        .insert_header(("Cookie", format!("fp_session={cookie}")))
        .insert_header(("Origin", ORIGIN))
        .insert_header(("X-CSRF-Token", csrf.to_owned()))
}

fn create(body: &Value) -> TestRequest {
    TestRequest::post()
        .uri("/api/collections/strikes/items")
        .insert_header(("Content-Type", "application/geo+json"))
        .insert_header(("Footprint-Reason", "From%20the%20editor"))
        .set_payload(body.to_string())
}

async fn an_editor_signs_in_with_a_token_writes_with_the_session_and_signs_out(store: Store) {
    let app = service_with(store.state.clone()).await;
    // Without a session, /edit sends the browser to the sign-in form, which needs no script.
    let (status, headers, _) = send(&app, TestRequest::get().uri("/edit?lang=ar")).await;
    assert_eq!(status, 303);
    assert_eq!(headers.get("location").unwrap(), "/edit/sign-in?lang=ar");
    let (status, headers, body) = send(&app, TestRequest::get().uri("/edit/sign-in?lang=ar")).await;
    assert_eq!(status, 200);
    assert_eq!(headers.get("x-frame-options").unwrap(), "DENY");
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(html.contains("<label for=\"token\">رمز الوصول</label>"), "a visible label, in the page's language");

    let (cookie, set_cookie) = sign_in(&app, &store.editor).await;
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(set_cookie.contains(attribute), "{set_cookie} lacks {attribute}");
    }
    assert!(!set_cookie.contains("Secure"), "plain http: a Secure cookie would never come back");
    assert_ne!(cookie, store.editor, "the cookie holds a session, not the token");
    let token = csrf(&app, &cookie).await;

    // The editor's page is a client of the public write API: the session signs its requests.
    let (status, _, body) = send(&app, with_session(create(&new_strike("Session strike")), &cookie, &token)).await;
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
    assert_eq!(json_of(&body)["stage"], "draft", "an editor's write is a draft");
    let (status, _, body) = send(
        &app,
        TestRequest::get()
            .uri("/api/collections/strikes/heads?stage=draft")
            .insert_header(("Cookie", format!("fp_session={cookie}"))),
    )
    .await;
    assert_eq!(status, 200);
    let heads = json_of(&body);
    assert_eq!(heads["total"], 1, "{heads}");
    assert_eq!(heads["heads"][0]["name"]["en"], "Session strike");

    // Signing out needs the CSRF token too, then the cookie is worthless.
    let sign_out = |csrf: &str| {
        TestRequest::post()
            .uri("/edit/sign-out")
            .insert_header(("Cookie", format!("fp_session={cookie}")))
            .insert_header(("Origin", ORIGIN))
            .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
            .set_payload(format!("csrf={csrf}&lang=en"))
    };
    assert_eq!(send(&app, sign_out("0000")).await.0, 403);
    let (status, headers, _) = send(&app, sign_out(&token)).await;
    assert_eq!(status, 303);
    assert!(headers.get("set-cookie").unwrap().to_str().unwrap().contains("Max-Age=0"));
    let (status, _, body) = send(&app, with_session(create(&new_strike("After sign-out")), &cookie, &token)).await;
    assert_eq!(status, 401, "{}", String::from_utf8_lossy(&body));
    assert!(json_of(&body)["description"].as_str().unwrap().contains("sign in again"));
}

async fn requests_from_another_site_or_without_the_csrf_token_are_refused(store: Store) {
    let app = service_with(store.state.clone()).await;
    let (cookie, _) = sign_in(&app, &store.publisher).await;
    let token = csrf(&app, &cookie).await;
    let attempt = |request: TestRequest| request.insert_header(("Cookie", format!("fp_session={cookie}")));
    // No CSRF token.
    let (status, _, body) =
        send(&app, attempt(create(&new_strike("No token"))).insert_header(("Origin", ORIGIN))).await;
    assert_eq!(status, 403, "{}", String::from_utf8_lossy(&body));
    assert!(json_of(&body)["description"].as_str().unwrap().contains("CSRF"));
    // Another site, even with the right token (as if it had stolen it).
    let evil = attempt(create(&new_strike("Evil")))
        .insert_header(("Origin", "https://evil.example"))
        .insert_header(("X-CSRF-Token", token.clone()));
    assert_eq!(send(&app, evil).await.0, 403);
    let cross = attempt(create(&new_strike("Cross-site")))
        .insert_header(("Sec-Fetch-Site", "cross-site"))
        .insert_header(("X-CSRF-Token", token.clone()));
    assert_eq!(send(&app, cross).await.0, 403);
    // A sign-in form posted from another site is refused before any token is looked at.
    let request = TestRequest::post()
        .uri("/edit/sign-in")
        .insert_header(("Origin", "https://evil.example"))
        .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
        .set_payload(format!("token={}", store.publisher));
    let (status, headers, _) = send(&app, request).await;
    assert_eq!(status, 403);
    assert!(headers.get("set-cookie").is_none());
    // Nothing was written; reads with the cookie need no token.
    let (status, _, body) = send(&app, attempt(TestRequest::get().uri("/api/collections/strikes/heads?q=evil"))).await;
    assert_eq!(status, 200);
    assert_eq!(json_of(&body)["total"], 0);
    // The same request from the page itself goes through.
    let (status, _, _) = send(&app, with_session(create(&new_strike("Good")), &cookie, &token)).await;
    assert_eq!(status, 201);
    // Failed sign-ins are limited like failed tokens.
    for _ in 0..footprint::http::auth::MAX_FAILURES {
        let request = TestRequest::post()
            .uri("/edit/sign-in")
            .insert_header(("Origin", ORIGIN))
            .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
            .set_payload("token=fp_wrong_token&lang=ru");
        let (status, _, body) = send(&app, request).await;
        assert_eq!(status, 401);
        assert!(String::from_utf8(body).unwrap().contains("Этот ключ недействителен"));
    }
    let request = TestRequest::post()
        .uri("/edit/sign-in")
        .insert_header(("Origin", ORIGIN))
        .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
        .set_payload(format!("token={}&lang=en", store.editor));
    let (status, headers, _) = send(&app, request).await;
    assert_eq!(status, 429);
    assert!(headers.get("retry-after").is_some());
}

async fn an_expired_or_revoked_session_no_longer_signs_anyone_in(store: Store) {
    let app = service_with(store.state.clone()).await;
    let live = std::sync::Arc::clone(&store.state.live);
    let editor = store.editor.clone();
    let expired = std::thread::spawn(move || {
        live.sign_in_until(&editor, chrono::Utc::now() - chrono::Duration::minutes(1)).unwrap().unwrap()
    })
    .join()
    .unwrap();
    let cookie = expired.secret;
    let request = with_session(create(&new_strike("Expired")), &cookie, &expired.signed_in.csrf);
    let (status, _, body) = send(&app, request).await;
    assert_eq!(status, 401, "{}", String::from_utf8_lossy(&body));
    let (status, headers, _) =
        send(&app, TestRequest::get().uri("/edit").insert_header(("Cookie", format!("fp_session={cookie}")))).await;
    assert_eq!(status, 303);
    assert_eq!(headers.get("location").unwrap(), "/edit/sign-in?lang=en");
    // Revoking the account ends its live sessions at once.
    let (cookie, _) = sign_in(&app, &store.editor).await;
    let token = csrf(&app, &cookie).await;
    let live = std::sync::Arc::clone(&store.state.live);
    std::thread::spawn(move || live.with_backend(|b| b.revoke_account("ed")).unwrap()).join().unwrap();
    let (status, _, _) = send(&app, with_session(create(&new_strike("Revoked")), &cookie, &token)).await;
    assert_eq!(status, 401);
}

fn import(dry_run: bool, csv: &str) -> TestRequest {
    let request = TestRequest::post()
        .uri(&format!("/api/collections/strikes/import?dry-run={dry_run}"))
        .insert_header(("Content-Type", "text/csv"))
        .set_payload(csv.to_owned());
    if dry_run { request } else { request.insert_header(("Footprint-Reason", "ACLED%20batch%2C%20to%20review")) }
}

async fn an_acled_export_is_checked_row_by_row_then_imported_as_drafts_once(store: Store) {
    let app = service_with(store.state.clone()).await;
    let csv = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/acled-25.csv")).unwrap();
    let bearer = |request: TestRequest| request.insert_header(("Authorization", format!("Bearer {}", store.editor)));
    assert_eq!(send(&app, import(true, &csv)).await.0, 401, "signed-in accounts only");
    let (status, _, body) = send(&app, bearer(import(true, &csv))).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let report = json_of(&body);
    assert_eq!(
        (report["new"].as_u64(), report["invalid"].as_u64(), report["written"].as_bool()),
        (Some(20), Some(5), Some(false))
    );
    let problems: Vec<(u64, String)> = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"] == "invalid")
        .map(|r| (r["line"].as_u64().unwrap(), r["problems"][0]["field"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(
        problems,
        [
            (22, "sub_event_type".into()),
            (23, "event_date".into()),
            (24, "geometry".into()),
            (25, "time_precision".into()),
            (26, "event_id_cnty".into())
        ],
        "each broken row is named by its line and the column or field at fault"
    );
    let (status, body) = common::get_json(&app, "/api/collections/strikes/items?limit=1000").await;
    assert_eq!(status, 200);
    assert!(!body.to_string().contains("acled-"), "a dry run writes nothing");

    assert_eq!(
        send(&app, bearer(import(false, &csv)).insert_header(("Footprint-Reason", ""))).await.0,
        400,
        "a reason is required"
    );
    let (status, _, body) = send(&app, bearer(import(false, &csv))).await;
    assert_eq!(status, 200);
    let report = json_of(&body);
    assert_eq!((report["new"].as_u64(), report["written"].as_bool()), (Some(20), Some(true)), "{report}");
    let (_, body) = common::get_json(&app, "/api/collections/strikes/items?limit=1000").await;
    assert!(!body.to_string().contains("acled-"), "imported rows are drafts: the public does not see them");
    let (status, _, body) =
        send(&app, bearer(TestRequest::get().uri("/api/collections/strikes/items/acled-syrtest001?stage=draft"))).await;
    assert_eq!(status, 200);
    let feature = json_of(&body);
    assert_eq!(feature["properties"]["sources"][0]["publisher"], "ACLED");
    assert_eq!(feature["properties"]["confidence"], "low");

    let (_, _, body) = send(&app, bearer(import(false, &csv))).await;
    let again = json_of(&body);
    assert_eq!(
        (again["new"].as_u64(), again["changed"].as_u64(), again["unchanged"].as_u64(), again["written"].as_bool()),
        (Some(0), Some(0), Some(20), Some(false)),
        "{again}"
    );
    let (_, _, body) =
        send(&app, bearer(TestRequest::get().uri("/api/collections/strikes/heads?q=acled&stage=draft"))).await;
    assert_eq!(json_of(&body)["total"], 20);
}

async fn a_publisher_sends_a_draft_back_with_a_note_and_publishes_it_once_saved_again(store: Store) {
    let app = service_with(store.state.clone()).await;
    let as_ = |token: &str, request: TestRequest| request.insert_header(("Authorization", format!("Bearer {token}")));
    // The check endpoint names a source without an address by its field, and writes nothing.
    let mut broken = new_strike("Checked strike");
    broken["properties"]["sources"][0]["url"] = json!("");
    let check = TestRequest::post()
        .uri("/api/collections/strikes/check")
        .insert_header(("Content-Type", "application/geo+json"))
        .set_payload(broken.to_string());
    let (status, _, body) = send(&app, as_(&store.editor, check)).await;
    assert_eq!(status, 200);
    let checked = json_of(&body);
    assert_eq!(checked["valid"], false);
    assert_eq!(checked["problems"][0]["field"], "properties.sources[0].url", "{checked}");

    let (status, headers, body) = send(&app, as_(&store.editor, create(&new_strike("Review me")))).await;
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
    let id = json_of(&body)["id"].as_str().unwrap().to_owned();
    let etag = headers.get("etag").unwrap().to_str().unwrap().to_owned();
    let item = format!("/api/collections/strikes/items/{id}");
    let back = TestRequest::post()
        .uri(&format!("{item}/send-back"))
        .insert_header(("If-Match", etag.clone()))
        .insert_header(("Footprint-Reason", "Add%20a%20second%20source"));
    assert_eq!(send(&app, as_(&store.editor, back)).await.0, 403, "only publishers send drafts back");
    let back = TestRequest::post()
        .uri(&format!("{item}/send-back"))
        .insert_header(("If-Match", etag.clone()))
        .insert_header(("Footprint-Reason", "Add%20a%20second%20source"));
    let (status, headers, body) = send(&app, as_(&store.publisher, back)).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(json_of(&body)["stage"], "returned");
    let returned = headers.get("etag").unwrap().to_str().unwrap().to_owned();
    let (_, _, body) =
        send(&app, as_(&store.editor, TestRequest::get().uri("/api/collections/strikes/heads?stage=returned"))).await;
    let heads = json_of(&body);
    assert_eq!(heads["heads"][0]["reason"], "Add a second source", "the editor sees the note");
    let publish =
        |tag: &str| TestRequest::post().uri(&format!("{item}/publish")).insert_header(("If-Match", tag.to_owned()));
    assert_eq!(
        send(&app, as_(&store.publisher, publish(&returned))).await.0,
        409,
        "a returned draft waits for its editor"
    );
    let (status, _) = common::get_json(&app, &item).await;
    assert_eq!(status, 404, "the public still sees nothing");

    let put = TestRequest::put()
        .uri(&item)
        .insert_header(("If-Match", returned))
        .insert_header(("Footprint-Reason", "Second%20source%20added"))
        .insert_header(("Content-Type", "application/geo+json"))
        .set_payload(new_strike("Review me").to_string());
    let (status, headers, body) = send(&app, as_(&store.editor, put)).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(json_of(&body)["stage"], "draft");
    let draft = headers.get("etag").unwrap().to_str().unwrap().to_owned();
    assert_eq!(send(&app, as_(&store.publisher, publish(&draft))).await.0, 200);
    let (status, _) = common::get_json(&app, &item).await;
    assert_eq!(status, 200, "published");
    let (_, _, body) = send(&app, as_(&store.editor, TestRequest::get().uri(&format!("{item}/history")))).await;
    let stages: Vec<String> = json_of(&body)["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["stage"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(stages, ["draft", "returned", "draft", "published"]);
    // Its first publication is a creation, however many drafts it took.
    let (_, changes) = common::get_json(&app, "/api/changes?limit=1").await;
    assert_eq!(
        (changes["changes"][0]["id"].as_str(), changes["changes"][0]["action"].as_str()),
        (Some(id.as_str()), Some("create"))
    );
    let (_, published) = common::get_json(&app, &item).await;
    assert!(published.get("updated").is_none(), "not a correction: {published}");
}

#[actix_web::test]
async fn a_secure_cookie_is_set_when_the_public_url_is_https_with_or_without_a_path() {
    let store = common::store().await;
    for (public_url, origin) in [
        ("https://maps.example.org", "https://maps.example.org"),
        ("https://news.example/maps", "https://news.example"),
    ] {
        let mut state = footprint::http::AppState::with_live(
            std::sync::Arc::clone(&store.state.live),
            std::sync::Arc::new(footprint::store::Embedded),
        );
        state.site.public_url = Some(public_url.into());
        let app = service_with(actix_web::web::Data::new(state)).await;
        let request = TestRequest::post()
            .uri("/edit/sign-in")
            .insert_header(("Origin", origin))
            .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
            .set_payload(format!("token={}", store.editor));
        let (status, headers, _) = send(&app, request).await;
        assert_eq!(status, 303, "{public_url}: the page's own origin");
        assert!(headers.get("set-cookie").unwrap().to_str().unwrap().contains("Secure"));
    }
    // A forged X-Forwarded-Proto changes nothing on a site without an https public URL.
    let app = service_with(store.state.clone()).await;
    let request = TestRequest::post()
        .uri("/edit/sign-in")
        .insert_header(("X-Forwarded-Proto", "https"))
        .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
        .set_payload(format!("token={}", store.editor));
    let (status, headers, _) = send(&app, request).await;
    assert_eq!(status, 303);
    assert!(!headers.get("set-cookie").unwrap().to_str().unwrap().contains("Secure"));
}

#[actix_web::test]
async fn retired_features_are_listed_not_reimported_and_signed_in_readers_are_never_cached() {
    let store = common::store().await;
    let app = service_with(store.state.clone()).await;
    let bearer =
        |token: &str, request: TestRequest| request.insert_header(("Authorization", format!("Bearer {token}")));
    // Retire a curated strike.
    let item = "/api/collections/strikes/items/e03";
    let (status, headers, feature) = send(&app, TestRequest::get().uri(item)).await;
    assert_eq!(status, 200);
    let etag = headers.get("etag").unwrap().to_str().unwrap().to_owned();
    let retire = TestRequest::delete()
        .uri(item)
        .insert_header(("If-Match", etag))
        .insert_header(("Footprint-Reason", "Duplicate%20of%20e11"));
    assert_eq!(send(&app, bearer(&store.publisher, retire)).await.0, 200);
    // The editor's list still has it, as retired.
    let (_, _, body) =
        send(&app, bearer(&store.editor, TestRequest::get().uri("/api/collections/strikes/heads?stage=retired"))).await;
    let heads = json_of(&body);
    assert_eq!(heads["total"], 1, "{heads}");
    assert_eq!(heads["heads"][0]["id"], "e03");
    // An import does not bring it back.
    let mut returning = json_of(&feature);
    returning.as_object_mut().unwrap().remove("links");
    let batch = json!({"type": "FeatureCollection", "features": [returning]});
    let request = TestRequest::post()
        .uri("/api/collections/strikes/import?dry-run=true")
        .insert_header(("Content-Type", "application/geo+json"))
        .set_payload(batch.to_string());
    let (status, _, body) = send(&app, bearer(&store.editor, request)).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let report = json_of(&body);
    assert_eq!(report["rows"][0]["outcome"], "invalid", "{report}");
    assert!(report["rows"][0]["problems"][0]["message"].as_str().unwrap().contains("retired"));
    // A reader with a dead session cookie still reads what the public reads.
    let stale = TestRequest::get().uri(&format!("{item}/history")).insert_header(("Cookie", "fp_session=00ff"));
    let (status, _, body) = send(&app, stale).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    // What a signed-in reader gets is never stored by a cache; the map page varies with the cookie.
    let (cookie, _) = sign_in(&app, &store.editor).await;
    let signed_in = TestRequest::get()
        .uri("/api/collections/strikes/items?limit=1")
        .insert_header(("Cookie", format!("fp_session={cookie}")));
    let (_, headers, _) = send(&app, signed_in).await;
    assert_eq!(headers.get("cache-control").unwrap(), "private, no-store");
    let (_, headers, _) = send(&app, TestRequest::get().uri("/")).await;
    assert!(headers.get_all("vary").any(|v| v.to_str().unwrap().contains("Cookie")));
    // After failed sign-ins from its address, a token this server already verified still signs in.
    for _ in 0..footprint::http::auth::MAX_FAILURES {
        let request = TestRequest::post()
            .uri("/edit/sign-in")
            .insert_header(("Origin", ORIGIN))
            .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
            .set_payload("token=fp_guess_guess");
        assert_eq!(send(&app, request).await.0, 401);
    }
    let (again, _) = sign_in(&app, &store.editor).await;
    assert_ne!(again, cookie);
}

#[actix_web::test]
async fn rows_of_one_file_are_checked_against_each_other_too() {
    let store = common::store().await;
    let app = service_with(store.state.clone()).await;
    // Two status periods of one new site that overlap: each is fine alone, not together.
    let (_, tartus) = common::get_json(&app, "/api/collections/sites/items/tartus.1971-01-01").await;
    let period = |id: &str, start: &str, end: &str| {
        let mut f = tartus.clone();
        f.as_object_mut().unwrap().remove("links");
        f.as_object_mut().unwrap().remove("time");
        f["id"] = json!(id);
        let p = &mut f["properties"];
        for member in ["title", "title_lang"] {
            p.as_object_mut().unwrap().remove(member);
        }
        p["site_id"] = json!("test-site");
        p["start"] = json!(start);
        p["start_precision"] = json!("day");
        p["end"] = json!(end);
        p["end_precision"] = json!("day");
        f
    };
    let batch = json!({"type": "FeatureCollection", "features": [
        period("test-site.2025-01-01", "2025-01-01", "2025-03-01"),
        period("test-site.2025-02-01", "2025-02-01", "2025-04-01"),
    ]});
    let request = TestRequest::post()
        .uri("/api/collections/sites/import?dry-run=true")
        .insert_header(("Authorization", format!("Bearer {}", store.editor)))
        .insert_header(("Content-Type", "application/geo+json"))
        .set_payload(batch.to_string());
    let (status, _, body) = send(&app, request).await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let report = json_of(&body);
    assert!(report["invalid"].as_u64().unwrap() >= 1, "{report}");
    assert!(report.to_string().contains("overlaps"), "{report}");
}

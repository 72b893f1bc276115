//! What changed and why: a feature's history (`/items/{feature}/history`), and the public corrections feed of every
//! published creation, correction and retirement, newest first, as JSON (`/api/changes`, paged, `since=`) and Atom
//! (`/api/changes.atom`). Account names appear only when the operator opts in (`--show-accounts`); drafts only for
//! signed-in editors, in a feature's history.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use atom_syndication::{Entry, Feed, Link as AtomLink, Person, Text};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};

use super::params::Params;
use super::{ApiError, AppState, GEOJSON, JSON, Link, auth, base_url, json_response};
use crate::store::backend::{Action, Stage, Version};

/// The query parameters of `/api/changes`.
pub const CHANGES_PARAMETERS: [&str; 4] = ["f", "since", "limit", "offset"];
/// The query parameters of `/api/changes.atom`.
pub const ATOM_PARAMETERS: [&str; 1] = ["since"];
/// Changes per page by default, and at most.
const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 1_000;
/// Entries in the Atom feed.
const ATOM_ENTRIES: usize = 50;

fn no_history(state: &AppState) -> Result<(), ApiError> {
    if state.live.is_writable() {
        Ok(())
    } else {
        Err(ApiError::NoRoute("history: this server serves a data directory, which has none (use --store)".into()))
    }
}

/// `since`: an RFC 3339 time, or a day (from its start, UTC).
fn since(params: &Params) -> Result<Option<DateTime<Utc>>, ApiError> {
    let Some(raw) = params.raw("since") else { return Ok(None) };
    if let Ok(time) = DateTime::parse_from_rfc3339(raw) {
        return Ok(Some(time.with_timezone(&Utc)));
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| Some(t.and_utc()))
        .ok_or_else(|| ApiError::invalid("since", format!("`{raw}`: use a day (2026-01-31) or an RFC 3339 time")))
}

fn title_of(version: &Version) -> String {
    version.feature_value()["properties"]["name"]["en"].as_str().unwrap_or(&version.feature_id).to_owned()
}

fn item_url(base: &str, version: &Version) -> String {
    let encoded: String = form_urlencoded::byte_serialize(version.feature_id.as_bytes()).collect();
    format!("{base}/api/collections/{}/items/{encoded}", version.collection)
}

/// One version as the public (or a signed-in editor) sees it.
fn version_json(version: &Version, show_account: bool, with_feature: bool) -> Value {
    let mut body = json!({
        "seq": version.seq,
        "collection": version.collection,
        "id": version.feature_id,
        "title": title_of(version),
        "version": version.version,
        "action": version.action,
        "stage": version.stage,
        "at": version.at,
        "role": version.role,
        "reason": version.reason,
        "changed": version.changed,
    });
    if show_account {
        body["account"] = json!(version.account);
    }
    if let Some(draft) = version.publishes {
        body["publishes"] = json!(draft);
    }
    if with_feature {
        body["feature"] = version.feature_value();
    }
    body
}

/// `GET /api/collections/{collection}/items/{feature}/history`: every version, oldest first (drafts too for a
/// signed-in editor or publisher).
pub async fn history(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    Params::parse(req.query_string(), &["f"])?.format(&["json"])?;
    no_history(&state)?;
    let signed_in = auth::author(&req, &state).await?.is_some();
    let (collection, feature_id) = path.into_inner();
    super::find_collection(&state.snapshot(), &collection)?;
    let live = Arc::clone(&state.live);
    let (c, f) = (collection.clone(), feature_id.clone());
    let versions = web::block(move || live.history(&c, &f, signed_in))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(ApiError::from)?;
    if versions.is_empty() {
        return Err(ApiError::FeatureNotFound { collection, feature: feature_id });
    }
    let base = base_url(&req);
    let item = versions.last().map(|v| item_url(&base, v)).unwrap_or_default();
    let show = state.show_accounts || signed_in;
    let mut response = json_response(
        JSON,
        &json!({
            "collection": collection,
            "id": feature_id,
            "retired": versions.iter().rev().find(|v| v.stage == Stage::Published).is_some_and(|v| v.action == Action::Retire),
            "versions": versions.iter().map(|v| version_json(v, show, true)).collect::<Vec<_>>(),
            "links": [
                Link::new(format!("{item}/history"), "self", JSON),
                Link::new(item, "describes", GEOJSON),
                Link::new(format!("{base}/api/changes"), "related", JSON).titled("Every published change"),
            ],
        }),
    )?;
    if signed_in {
        response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("private, no-store"));
    }
    Ok(response)
}

async fn published_changes(
    state: &web::Data<AppState>,
    since: Option<DateTime<Utc>>,
    offset: usize,
    limit: usize,
) -> Result<(Vec<Version>, usize), ApiError> {
    no_history(state)?;
    let live = Arc::clone(&state.live);
    web::block(move || live.changes(since, offset, limit))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(ApiError::from)
}

/// `GET /api/changes`: every published creation, correction and retirement, newest first, paged.
pub async fn changes(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(req.query_string(), &CHANGES_PARAMETERS)?;
    params.format(&["json"])?;
    let since = since(&params)?;
    let limit = match params.raw("limit") {
        None => DEFAULT_LIMIT,
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| ApiError::invalid("limit", format!("`{raw}`: a positive whole number")))?
            .min(MAX_LIMIT),
    };
    // Beyond any store's length is an empty page, as on items (and within what the databases take).
    let offset = params.offset()?.min(i64::MAX as usize);
    let (page, total) = published_changes(&state, since, offset, limit).await?;
    let base = base_url(&req);
    let here = format!("{base}/api/changes");
    let with_offset = |offset: usize| params.link_with(&here, "offset", &offset.to_string());
    let mut links = vec![
        Link::new(with_offset(offset), "self", JSON),
        Link::new(format!("{base}/api/changes.atom"), "alternate", "application/atom+xml").titled("Atom feed"),
    ];
    if offset.saturating_add(page.len()) < total {
        links.push(Link::new(with_offset(offset + page.len()), "next", JSON).titled("Older changes"));
    }
    let entries: Vec<Value> = page
        .iter()
        .map(|v| {
            let mut entry = version_json(v, state.show_accounts, false);
            let item = item_url(&base, v);
            entry["links"] = json!([
                Link::new(item.clone(), "item", GEOJSON),
                Link::new(format!("{item}/history"), "version-history", JSON),
            ]);
            entry
        })
        .collect();
    json_response(
        JSON,
        &json!({"changes": entries, "numberMatched": total, "numberReturned": page.len(), "links": links}),
    )
}

fn kind(version: &Version) -> &'static str {
    match version.action {
        Action::Create => "Added",
        Action::Update => "Corrected",
        Action::Retire => "Retired",
    }
}

/// `GET /api/changes.atom`: the newest published changes as an Atom feed.
pub async fn atom(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(req.query_string(), &ATOM_PARAMETERS)?;
    let since = since(&params)?;
    let (page, _) = published_changes(&state, since, 0, ATOM_ENTRIES).await?;
    let base = base_url(&req);
    let snapshot = state.snapshot();
    let store_id = &snapshot.store_id;
    let link = |href: String, rel: &str, media: &str| {
        let mut link = AtomLink::default();
        link.set_href(href);
        link.set_rel(rel);
        link.set_mime_type(Some(media.to_owned()));
        link
    };
    let entries: Vec<Entry> = page
        .iter()
        .map(|v| {
            let mut entry = Entry::default();
            entry.set_id(format!("urn:footprint:{store_id}:change:{}", v.seq));
            entry.set_title(Text::plain(format!("{}: {} ({})", kind(v), title_of(v), v.collection)));
            entry.set_updated(v.at.fixed_offset());
            let changed =
                if v.changed.is_empty() { String::new() } else { format!(" Changed: {}.", v.changed.join(", ")) };
            entry.set_summary(Some(Text::plain(format!("{}{changed}", v.reason))));
            let item = item_url(&base, v);
            let mut links =
                vec![link(item.clone(), "related", GEOJSON), link(format!("{item}/history"), "related", JSON)];
            if v.action != Action::Retire {
                // The map opened on the feature, on its first day: what a reader of the feed wants to see.
                let feature = v.feature_value();
                let start = feature["properties"]["start"].as_str().unwrap_or_default();
                let map = form_urlencoded::Serializer::new(String::new())
                    .append_pair("t", start)
                    .append_pair("sel", &format!("{}:{}", v.collection, v.feature_id))
                    .finish();
                links.insert(0, link(format!("{base}/?{map}"), "alternate", "text/html"));
            }
            entry.set_links(links);
            let mut author = Person::default();
            author.set_name(if state.show_accounts {
                v.account.clone()
            } else {
                format!("Footprint {}", v.role.name())
            });
            entry.set_authors(vec![author]);
            entry
        })
        .collect();
    let mut feed = Feed::default();
    feed.set_id(format!("{base}/api/changes.atom"));
    feed.set_title(Text::plain(format!("{}: changes and corrections", snapshot.store().catalog().title)));
    feed.set_updated(page.first().map_or_else(|| Utc::now().fixed_offset(), |v| v.at.fixed_offset()));
    let mut author = Person::default();
    author.set_name("Footprint");
    feed.set_authors(vec![author]);
    feed.set_links(vec![
        link(format!("{base}/api/changes.atom"), "self", "application/atom+xml"),
        link(format!("{base}/api/changes"), "alternate", JSON),
    ]);
    feed.set_entries(entries);
    let xml = feed.write_to(Vec::new()).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(HttpResponse::Ok().content_type("application/atom+xml; charset=utf-8").body(xml))
}

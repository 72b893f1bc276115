//! One feature in the form: loading it (its latest version, what the public sees, its history), checking, saving
//! (a draft, or published at once by a publisher), the publisher's review of a waiting draft (what it changes,
//! publish, send back with a note), retiring, and the preview as readers will see it.

use footprint::domain::{Day, Feature};
use footprint::i18n::Lang;
use serde_json::Value;

use super::fields::{self, build, read, show_rules};
use super::{
    Open, call, collection, element, focus, form_feature, input_value, lang, on, reason_header, said, status,
    text_element, with,
};
use crate::diff::differences;
use crate::form::Form;
use crate::model::{Layer, Model};
use crate::state::{MapState, Selection, State};

/// Wires the form's buttons.
pub(super) fn wire() {
    on("ed-form", "submit", |event| {
        event.prevent_default();
        wasm_bindgen_futures::spawn_local(save());
    });
    on("ed-check", "click", |_| wasm_bindgen_futures::spawn_local(check()));
    on("ed-preview", "click", |_| preview());
    on("ed-publish", "click", |_| wasm_bindgen_futures::spawn_local(decide("publish")));
    on("ed-send-back", "click", |_| wasm_bindgen_futures::spawn_local(decide("send-back")));
    on("ed-retire", "click", |_| wasm_bindgen_futures::spawn_local(retire()));
    on("ed-summary", "click", |event| {
        // The summary's links move focus to their field (the fragment is the editor's own route).
        let target = event.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok());
        if let Some(link) = target.and_then(|t| t.closest("a[href^='#fld-']").ok().flatten()) {
            event.prevent_default();
            focus(link.get_attribute("href").unwrap_or_default().trim_start_matches('#'));
        }
    });
}

fn item_url(collection: &str, id: &str) -> String {
    format!("/api/collections/{collection}/items/{}", js_sys::encode_uri_component(id))
}

/// Loads a feature into the form.
pub(super) async fn load(collection: &str, id: &str) {
    let lang = lang();
    let this_load = with(|e| {
        e.loads += 1;
        e.loads
    });
    status(lang.t("edit.loading"), true);
    let url = item_url(collection, id);
    // The history first: a retired feature's URL is gone (410), its last version is in the history.
    let Ok(history) = call("GET", &format!("{url}/history"), None, &[]).await else {
        status(&lang.tf("edit.failed", &[("message", "network")]), false);
        return;
    };
    let retired = history.json()["retired"].as_bool().unwrap_or(false);
    let head = if retired { None } else { call("GET", &format!("{url}?stage=draft"), None, &[]).await.ok() };
    if with(|e| e.loads) != this_load {
        return; // another feature was opened meanwhile
    }
    let versions = history.json()["versions"].as_array().cloned().unwrap_or_default();
    let last = versions.last().cloned().unwrap_or(Value::Null);
    let stage = if retired { "retired".to_owned() } else { last["stage"].as_str().unwrap_or("published").to_owned() };
    let content = match &head {
        Some(head) if head.ok() => head.json(),
        _ => last["feature"].clone(),
    };
    if content.is_null() {
        let message = head.map_or_else(|| history.message(), |h| h.message());
        status(&lang.tf("edit.failed", &[("message", &message)]), false);
        return;
    }
    let open = Open {
        collection: collection.to_owned(),
        id: Some(id.to_owned()),
        etag: head.as_ref().and_then(|h| h.etag.clone()),
        stage: stage.clone(),
        // What the public sees: the latest published version, unless it retired the feature.
        published: versions
            .iter()
            .rev()
            .find(|v| v["stage"] == "published")
            .filter(|v| v["action"] != "retire")
            .map(|v| v["feature"].clone()),
    };
    with(|e| e.open = Some(open.clone()));
    let form = Form::from_feature(&content);
    let name = form
        .values
        .get(&format!("name.{}", lang.code()))
        .filter(|n| !n.is_empty())
        .or_else(|| form.values.get("name.en"));
    let heading = lang.tf("edit.heading_edit", &[("name", name.map_or(id, String::as_str))]);
    element("ed-edit-heading").set_text_content(Some(&heading));
    build(collection, &form);
    show_stage(&stage);
    show_review(&open, &content, last["action"] == "retire");
    show_history(&versions, lang);
    match with(|e| e.pending.take()) {
        Some((said, good)) => status(&said, good),
        None => element("ed-message").set_text_content(None),
    }
    let _ = element("ed-preview-box").set_attribute("hidden", "");
    focus("ed-edit-heading");
}

/// Sets the buttons for the feature's stage and the account's role.
pub(super) fn show_stage(stage: &str) {
    let (lang, publishes) = with(|e| Some((e.lang, e.publishes))).unwrap_or((Lang::En, false));
    element("ed-save").set_text_content(Some(lang.t(if publishes { "edit.save_publish" } else { "edit.save_draft" })));
    let retired = stage == "retired";
    for id in ["ed-save", "ed-check", "ed-retire"] {
        if retired || (id == "ed-retire" && stage == "new") {
            let _ = element(id).set_attribute("hidden", "");
        } else {
            let _ = element(id).remove_attribute("hidden");
        }
    }
    if stage == "new" {
        element("ed-history").set_text_content(None);
        let _ = element("ed-review").set_attribute("hidden", "");
        let _ = element("ed-preview-box").set_attribute("hidden", "");
    }
}

/// A publisher's review of a waiting draft: what it changes against the published version (`retiring`: the draft
/// retires the feature).
fn show_review(open: &Open, draft: &Value, retiring: bool) {
    let publishes = with(|e| e.publishes);
    let review = element("ed-review");
    if !(publishes && open.stage == "draft") {
        let _ = review.set_attribute("hidden", "");
        return;
    }
    let _ = review.remove_attribute("hidden");
    let lang = lang();
    let diff = element("ed-diff");
    diff.set_text_content(None);
    if retiring {
        let _ = diff.append_child(&text_element("p", "ed-alert", lang.t("edit.review_retire")));
        return;
    }
    if open.published.is_none() {
        let _ = diff.append_child(&text_element("p", "", lang.t("edit.new_feature")));
    }
    let changes = differences(open.published.as_ref(), draft);
    if changes.is_empty() {
        let _ = diff.append_child(&text_element("p", "", lang.t("edit.diff_none")));
        return;
    }
    let _ = diff.append_child(&diff_table(&changes, lang));
}

fn diff_table(changes: &[crate::diff::Difference], lang: Lang) -> web_sys::Element {
    let table = text_element("table", "ed-table ed-diff", "");
    let head = text_element("tr", "", "");
    for key in ["edit.diff.field", "edit.diff.before", "edit.diff.after"] {
        let th = text_element("th", "", lang.t(key));
        let _ = th.set_attribute("scope", "col");
        let _ = head.append_child(&th);
    }
    let _ = table.append_child(&head);
    for change in changes {
        let row = text_element("tr", "", "");
        let path = said("td", "", &change.path, Some("en"));
        let _ = path.set_attribute("dir", "ltr");
        let _ = row.append_child(&path);
        for (tag, text) in [("del", &change.before), ("ins", &change.after)] {
            let cell = text_element("td", "", "");
            let value = text_element(tag, "", text);
            let _ = value.set_attribute("dir", "auto");
            let _ = cell.append_child(&value);
            let _ = row.append_child(&cell);
        }
        let _ = table.append_child(&row);
    }
    table
}

/// Every version, oldest first, each with what it changed.
fn show_history(versions: &[Value], lang: Lang) {
    let list = element("ed-history");
    list.set_text_content(None);
    let mut previous: Option<&Value> = None;
    for v in versions {
        let at = v["at"].as_str().unwrap_or_default();
        let day = at.get(..10).and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let date = day.map_or_else(|| at.to_owned(), |d| lang.date(d, footprint::domain::DatePrecision::Day));
        let stage = v["stage"].as_str().unwrap_or("published");
        let stage_label = match (v["action"] == "retire", stage) {
            (true, "published") => lang.t("edit.stage.retired"),
            (true, _) => lang.t("edit.stage.retiring"),
            (false, stage) => lang.t(&format!("edit.stage.{stage}")),
        };
        let role = lang.t(&format!("edit.role.{}", v["role"].as_str().unwrap_or("editor")));
        let version = v["version"].to_string();
        let item = text_element("li", "", "");
        let line = text_element(
            "p",
            "",
            &lang.tf(
                "edit.history_entry",
                &[("date", &date), ("version", &version), ("stage", stage_label), ("role", role), ("reason", "")],
            ),
        );
        let reason = said("span", "", v["reason"].as_str().unwrap_or_default(), None);
        let _ = reason.set_attribute("dir", "auto");
        let _ = line.append_child(&reason);
        let _ = item.append_child(&line);
        let changes = differences(previous.map(|p| &p["feature"]), &v["feature"]);
        if !changes.is_empty() && previous.is_some() {
            let _ = item.append_child(&diff_table(&changes, lang));
        }
        let _ = list.append_child(&item);
        previous = Some(v);
    }
}

/// The form's feature, or `None` (problems shown).
fn current() -> Option<(Open, Value)> {
    let open = with(|e| e.open.clone())?;
    let form = read(&open.collection);
    form_feature(&form, &open.collection).map(|f| (open, f))
}

/// Checks the form by the data rules, without saving.
async fn check() {
    let Some((open, feature)) = current() else { return };
    let url = format!("/api/collections/{}/check", open.collection);
    match call("POST", &url, Some(("application/geo+json", &feature.to_string())), &[]).await {
        Ok(reply) if reply.ok() => {
            let json = reply.json();
            if json["valid"].as_bool() == Some(true) {
                fields::clear_problems();
                status(lang().t("edit.valid"), true);
            } else {
                show_rules(&open.collection, &json["problems"]);
            }
        }
        Ok(reply) => status(&lang().tf("edit.failed", &[("message", &reply.message())]), false),
        Err(_) => status(&lang().tf("edit.failed", &[("message", "network")]), false),
    }
}

fn reason_or_ask() -> Option<String> {
    let reason = input_value("fld-reason").trim().to_owned();
    if reason.is_empty() {
        fields::show(&[(Some("fld-reason".into()), lang().t("edit.reason_needed").to_owned())], false);
        return None;
    }
    Some(reason)
}

/// Saves the form: a new feature, or a new version of the open one.
async fn save() {
    let Some((open, feature)) = current() else { return };
    let Some(reason) = reason_or_ask() else { return };
    let lang = lang();
    let reason = reason_header(&reason);
    let body = feature.to_string();
    let reply = if let (Some(id), Some(etag)) = (&open.id, &open.etag) {
        let headers = [("Footprint-Reason", reason.as_str()), ("If-Match", etag.as_str())];
        call("PUT", &item_url(&open.collection, id), Some(("application/geo+json", &body)), &headers).await
    } else {
        let url = format!("/api/collections/{}/items", open.collection);
        call("POST", &url, Some(("application/geo+json", &body)), &[("Footprint-Reason", reason.as_str())]).await
    };
    let Ok(reply) = reply else {
        return status(&lang.tf("edit.failed", &[("message", "network")]), false);
    };
    match reply.status {
        200 | 201 => {
            let json = reply.json();
            let published = json["stage"] == "published";
            let said = lang.t(if published { "edit.saved_published" } else { "edit.saved_draft" });
            let id = json["id"].as_str().unwrap_or_default().to_owned();
            navigate_to(&open.collection, &id, said).await;
        }
        400 if reply.json()["problems"].is_array() => show_rules(&open.collection, &reply.json()["problems"]),
        412 => status(lang.t("edit.stale"), false),
        _ => status(&lang.tf("edit.failed", &[("message", &reply.message())]), false),
    }
}

/// Opens a feature's form after a change, saying what was done once it shows.
async fn navigate_to(collection: &str, id: &str, said: &str) {
    with(|e| e.pending = Some((said.to_owned(), true)));
    let hash = format!("#edit/{collection}/{}", js_sys::encode_uri_component(id));
    if super::window().location().hash().unwrap_or_default() == hash {
        load(collection, id).await;
    } else {
        // The route loads the feature.
        let _ = super::window().location().set_hash(&hash);
    }
}

/// A publisher's decision on the waiting draft: `publish` or `send-back` (with the note as its reason).
async fn decide(action: &str) {
    let Some(open) = with(|e| e.open.clone()) else { return };
    let (Some(id), Some(etag)) = (open.id.clone(), open.etag.clone()) else { return };
    let lang = lang();
    let note = input_value("ed-note").trim().to_owned();
    if action == "send-back" && note.is_empty() {
        status(lang.t("edit.reason_needed"), false);
        focus("ed-note");
        return;
    }
    let note = reason_header(&note);
    let mut headers = vec![("If-Match", etag.as_str())];
    if !note.is_empty() {
        headers.push(("Footprint-Reason", note.as_str()));
    }
    let url = format!("{}/{action}", item_url(&open.collection, &id));
    match call("POST", &url, None, &headers).await {
        Ok(reply) if reply.ok() => {
            let said = lang.t(if action == "publish" { "edit.published" } else { "edit.sent_back" });
            navigate_to(&open.collection, &id, said).await;
        }
        Ok(reply) if reply.status == 412 => status(lang.t("edit.stale"), false),
        Ok(reply) => status(&lang.tf("edit.failed", &[("message", &reply.message())]), false),
        Err(_) => status(&lang.tf("edit.failed", &[("message", "network")]), false),
    }
}

/// Retires the open feature, with the form's reason.
async fn retire() {
    let Some(open) = with(|e| e.open.clone()) else { return };
    let (Some(id), Some(etag)) = (open.id.clone(), open.etag.clone()) else { return };
    let Some(reason) = reason_or_ask() else { return };
    let lang = lang();
    let reason = reason_header(&reason);
    let headers = [("Footprint-Reason", reason.as_str()), ("If-Match", etag.as_str())];
    match call("DELETE", &item_url(&open.collection, &id), None, &headers).await {
        Ok(reply) if reply.ok() => {
            navigate_to(&open.collection, &id, lang.t("edit.retired")).await;
        }
        Ok(reply) if reply.status == 412 => status(lang.t("edit.stale"), false),
        Ok(reply) => status(&lang.tf("edit.failed", &[("message", &reply.message())]), false),
        Err(_) => status(&lang.tf("edit.failed", &[("message", "network")]), false),
    }
}

/// Shows the feature as readers will see it in the map's panel, on its first day.
fn preview() {
    let Some((_, mut feature)) = current() else { return };
    let lang = lang();
    let Some(layer) = Layer::from_id(&collection()) else { return };
    if let Some(object) = feature.as_object_mut() {
        object.entry("id").or_insert_with(|| Value::from("preview"));
    }
    let parsed: Feature = match serde_json::from_value(feature) {
        Ok(parsed) => parsed,
        Err(err) => return fields::show(&[(None, err.to_string())], true),
    };
    let mut model = Model::default();
    let id = parsed.id.to_string();
    let first = Day::from_date(parsed.properties.start);
    let heading = lang.tf("edit.preview_heading", &[("date", &lang.span(&parsed))]);
    match layer {
        Layer::Sites => model.sites = vec![parsed],
        Layer::Strikes => model.strikes = vec![parsed],
        Layer::Events => model.events = vec![parsed],
    }
    let mut state = State::paused(MapState::new(footprint::domain::DaySpan { first, last: first }));
    state.map.day = first;
    state.map.selected = Some(Selection { layer, id });
    let body = element("ed-preview-body");
    body.set_text_content(None);
    if let Some(panel) = crate::panel::panel(&model, &state, lang) {
        crate::app::panel::fill(&body, &panel, lang);
    }
    element("ed-preview-heading").set_text_content(Some(&heading));
    let _ = element("ed-preview-box").remove_attribute("hidden");
    focus("ed-preview-heading");
}

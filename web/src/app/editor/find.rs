//! Finding features: every feature of the chosen layer, the most recently changed first, by text, days, status
//! and confidence (`GET …/heads`); each links to its form. A publisher's "drafts waiting" is the draft filter.

use footprint::domain::DatePrecision;
use serde_json::Value;

use super::{call, collection, document, element, input_value, lang, on, said, select, status, text_element};

/// Wires the search form.
pub(super) fn wire() {
    on("ed-find-form", "submit", |event| {
        event.prevent_default();
        wasm_bindgen_futures::spawn_local(search());
    });
    on("ed-waiting", "click", |_| {
        select("ed-f-stage").set_value("draft");
        wasm_bindgen_futures::spawn_local(search());
    });
}

/// Runs the search and shows the results.
pub(super) async fn search() {
    let c = collection();
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, id) in [("q", "ed-f-q"), ("from", "ed-f-from"), ("to", "ed-f-to")] {
        let value = input_value(id);
        if !value.trim().is_empty() {
            query.append_pair(name, value.trim());
        }
    }
    for (name, id) in [("stage", "ed-f-stage"), ("confidence", "ed-f-confidence")] {
        let value = select(id).value();
        if !value.is_empty() {
            query.append_pair(name, &value);
        }
    }
    query.append_pair("limit", "500");
    let url = format!("/api/collections/{c}/heads?{}", query.finish());
    match call("GET", &url, None, &[]).await {
        Ok(reply) if reply.ok() => show(&c, &reply.json()),
        Ok(reply) => status(&lang().tf("edit.failed", &[("message", &reply.message())]), false),
        Err(err) => status(&lang().tf("edit.failed", &[("message", &format!("{err:?}"))]), false),
    }
}

fn show(collection: &str, json: &Value) {
    let lang = lang();
    let total = json["total"].as_u64().unwrap_or(0);
    element("ed-count").set_text_content(Some(&lang.count("edit.results", total)));
    let Some(body) = document().query_selector("#ed-results tbody").ok().flatten() else { return };
    body.set_text_content(None);
    for head in json["heads"].as_array().map_or(&[][..], Vec::as_slice) {
        let row = text_element("tr", "", "");
        let id = head["id"].as_str().unwrap_or_default();
        let name = &head["name"];
        let (text, text_lang) = match name[lang.code()].as_str() {
            Some(text) => (text, None),
            None => (name["en"].as_str().unwrap_or(id), (lang.code() != "en").then_some("en")),
        };
        let cell = text_element("td", "", "");
        let link = said("a", "", text, text_lang);
        let _ = link.set_attribute("href", &format!("#edit/{collection}/{}", js_sys::encode_uri_component(id)));
        let _ = cell.append_child(&link);
        let _ = row.append_child(&cell);
        let start = head["start"].as_str().and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let date = start.map(|d| lang.date(d, DatePrecision::Day)).unwrap_or_default();
        let _ = row.append_child(&text_element("td", "", &date));
        let stage = head["stage"].as_str().unwrap_or("published");
        let stage_cell = text_element("td", "", "");
        let _ = stage_cell.append_child(&text_element(
            "span",
            &format!("ed-stage {stage}"),
            lang.t(&format!("edit.stage.{stage}")),
        ));
        let _ = row.append_child(&stage_cell);
        let confidence = head["confidence"].as_str().unwrap_or("medium");
        let _ = row.append_child(&text_element("td", "", lang.t(&format!("confidence.{confidence}"))));
        let reason = said("td", "", head["reason"].as_str().unwrap_or_default(), None);
        let _ = reason.set_attribute("dir", "auto");
        let _ = row.append_child(&reason);
        let _ = body.append_child(&row);
    }
}

//! Importing a file: an ACLED export (CSV, into the strikes layer) or GeoJSON (into the chosen layer). A dry run
//! reports each row (new, changed, unchanged, or its problems with its line) without writing; the import writes
//! the new and changed rows as drafts. Both go through `POST …/import`.

use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::{
    call, collection, document, element, focus, input_value, lang, on, reason_header, said, status, text_element,
};

/// Wires the import form.
pub(super) fn wire() {
    on("ed-dry-run", "click", |_| wasm_bindgen_futures::spawn_local(send(true)));
    on("ed-import-form", "submit", |event| {
        event.prevent_default();
        wasm_bindgen_futures::spawn_local(send(false));
    });
}

/// The chosen file's name and text.
async fn chosen_file() -> Option<(String, String)> {
    let input: web_sys::HtmlInputElement = element("ed-file").unchecked_into();
    let file = input.files()?.get(0)?;
    let text = JsFuture::from(file.text()).await.ok()?.as_string()?;
    Some((file.name(), text))
}

async fn send(dry_run: bool) {
    let lang = lang();
    let Some((name, text)) = chosen_file().await else {
        status(lang.t("edit.choose_file"), false);
        focus("ed-file");
        return;
    };
    let csv = name.to_ascii_lowercase().ends_with(".csv");
    let target = if csv { "strikes".to_owned() } else { collection() };
    let reason = input_value("ed-import-reason").trim().to_owned();
    if !dry_run && reason.is_empty() {
        status(lang.t("edit.reason_needed"), false);
        focus("ed-import-reason");
        return;
    }
    let reason = reason_header(&reason);
    let mut headers = Vec::new();
    if !reason.is_empty() {
        headers.push(("Footprint-Reason", reason.as_str()));
    }
    let url = format!("/api/collections/{target}/import?dry-run={dry_run}");
    let media = if csv { "text/csv" } else { "application/geo+json" };
    match call("POST", &url, Some((media, &text)), &headers).await {
        Ok(reply) if reply.ok() => {
            let report = reply.json();
            show(&report);
            if report["written"].as_bool() == Some(true) {
                status(lang.t("edit.imported"), true);
            } else {
                element("ed-message").set_text_content(None);
            }
            focus("ed-import-summary");
        }
        Ok(reply) => {
            let json = reply.json();
            let detail = json["problems"][0]["message"].as_str().map_or_else(|| reply.message(), str::to_owned);
            status(&lang.tf("edit.failed", &[("message", &detail)]), false);
        }
        Err(_) => status(&lang.tf("edit.failed", &[("message", "network")]), false),
    }
}

fn show(report: &Value) {
    let lang = lang();
    let count = |key: &str| lang.number(report[key].as_u64().unwrap_or(0));
    let summary = lang.tf(
        "edit.import_summary",
        &[
            ("new", &count("new")),
            ("changed", &count("changed")),
            ("unchanged", &count("unchanged")),
            ("invalid", &count("invalid")),
        ],
    );
    let line = element("ed-import-summary");
    line.set_text_content(Some(&summary));
    let _ = line.set_attribute("tabindex", "-1");
    let table = element("ed-import-rows");
    let _ = table.remove_attribute("hidden");
    let Some(body) = document().query_selector("#ed-import-rows tbody").ok().flatten() else { return };
    body.set_text_content(None);
    for row in report["rows"].as_array().map_or(&[][..], Vec::as_slice) {
        let tr = text_element("tr", "", "");
        let outcome = row["outcome"].as_str().unwrap_or("invalid");
        let _ = tr.set_attribute("data-outcome", outcome);
        let _ = tr.append_child(&text_element("td", "", &lang.number(row["line"].as_u64().unwrap_or(0))));
        let id = said("td", "", row["id"].as_str().unwrap_or("–"), None);
        let _ = id.set_attribute("dir", "ltr");
        let _ = tr.append_child(&id);
        let _ = tr.append_child(&text_element("td", "", lang.t(&format!("edit.outcome.{outcome}"))));
        let detail = text_element("td", "", "");
        if let Some(problems) = row["problems"].as_array() {
            let list = text_element("ul", "", "");
            for p in problems {
                let text =
                    format!("{}: {}", p["field"].as_str().unwrap_or("-"), p["message"].as_str().unwrap_or_default());
                let _ = list.append_child(&said("li", "", &text, (lang.code() != "en").then_some("en")));
            }
            let _ = detail.append_child(&list);
        } else if let Some(changed) = row["changed"].as_array() {
            let names: Vec<&str> = changed.iter().filter_map(Value::as_str).collect();
            let _ = detail.append_child(&said("span", "", &names.join(", "), Some("en")));
        }
        let _ = tr.append_child(&detail);
        let _ = body.append_child(&tr);
    }
}

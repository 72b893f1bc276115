//! The map as text: the table of sites and the list of strikes and events, rebuilt as the state changes. What it
//! says is [`crate::text`]'s (host-tested); this only builds the elements.

use footprint::i18n::Lang;
use wasm_bindgen::{JsCast, UnwrapThrowExt};
use web_sys::HtmlElement;

use super::{App, append_said, document, element, text_element};
use crate::model::Layer;
use crate::text::{TextView, feature_ref, more_line, text_view};

/// Shows the state as text (rebuilt only when what it says changed). Returns the entry to focus again, for the
/// caller to focus once the app is no longer borrowed (focusing dispatches events).
pub(super) fn render_text_view(a: &mut App) -> Option<HtmlElement> {
    let lang = a.lang;
    let view = text_view(&a.model, &a.visible, &a.state, lang);
    let focus = if a.shown.as_ref() == Some(&view) { None } else { rebuild_text_view(&view, lang) };
    // Announced politely, and not while playing (a summary per frame would drown the reader); when playback
    // stops, where it stopped is announced.
    if !a.state.playing && a.announced != view.announcement {
        element("announce").set_text_content(Some(&view.announcement));
        a.announced.clone_from(&view.announcement);
    }
    a.shown = Some(view);
    focus
}

/// Rebuilds the table and the list; returns the rebuilt entry that had the keyboard focus, to focus again.
fn rebuild_text_view(view: &TextView, lang: Lang) -> Option<HtmlElement> {
    // Keep the keyboard where it was: entries are rebuilt, the focused one is focused again.
    let focused = document()
        .active_element()
        .filter(|e| e.closest("#text-view").ok().flatten().is_some())
        .and_then(|e| e.get_attribute("data-feature"));
    element("sites-caption").set_text_content(Some(&view.sites_caption));
    let body = element("sites-body");
    body.set_text_content(None);
    for row in &view.sites {
        let tr = document().create_element("tr").expect_throw("tr");
        let name_cell = document().create_element("td").expect_throw("td");
        let button = text_element("button", "link-button", "");
        let _ = button.set_attribute("type", "button");
        let _ = button.set_attribute("data-feature", &feature_ref(Layer::Sites, &row.id));
        append_said(&button, "", &row.name, lang);
        let _ = name_cell.append_child(&button);
        let _ = tr.append_child(&name_cell);
        let status_cell = document().create_element("td").expect_throw("td");
        let letter = text_element("span", "status-letter", row.letter);
        // Through the CSSOM: the page's Content-Security-Policy allows no `style` attribute.
        if let Some(letter) = letter.dyn_ref::<HtmlElement>() {
            let _ = letter.style().set_property("background", &row.colour);
        }
        let _ = letter.set_attribute("aria-hidden", "true");
        let _ = status_cell.append_child(&letter);
        let _ = status_cell.append_child(&text_element("span", "", &row.status));
        let _ = tr.append_child(&status_cell);
        let _ = tr.append_child(&text_element("td", "", &row.since));
        let _ = body.append_child(&tr);
    }
    let list = element("window-list");
    list.set_text_content(None);
    if let Some(more) = more_line(view, lang) {
        let _ = list.append_child(&text_element("li", "list-more", &more));
    }
    if view.entries.is_empty() {
        let _ = list.append_child(&text_element("li", "list-empty", lang.t("list.empty")));
    }
    for entry in &view.entries {
        let li = document().create_element("li").expect_throw("li");
        let button = text_element("button", "list-item", "");
        let _ = button.set_attribute("type", "button");
        let _ = button.set_attribute("data-feature", &feature_ref(entry.layer, &entry.id));
        button.append_child(&text_element("span", "list-date", &entry.when)).ok();
        button.append_child(&text_element("span", &format!("list-kind {}", entry.layer.id()), &entry.kind)).ok();
        let name = text_element("span", "list-name", "");
        append_said(&name, "", &entry.name, lang);
        button.append_child(&name).ok();
        if entry.unlocated {
            button.append_child(&text_element("span", "list-unlocated", lang.t("list.unlocated"))).ok();
        }
        let _ = li.append_child(&button);
        let _ = list.append_child(&li);
    }
    let feature = focused?;
    document().query_selector(&format!("#text-view [data-feature=\"{feature}\"]")).ok().flatten()?.dyn_into().ok()
}

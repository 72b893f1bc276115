//! The map as text: the table of sites and the list of strikes and events, rebuilt as the state changes. What it
//! says is [`crate::text`]'s (host-tested); this only builds the elements.

use footprint::i18n::Lang;
use wasm_bindgen::{JsCast, UnwrapThrowExt};
use web_sys::HtmlElement;

use super::{App, append_said, document, element, text_element};
use crate::list_edit::{ListEdit, list_edit};
use crate::model::Layer;
use crate::text::{EntryRow, TextView, feature_ref, more_line, text_view};

/// Shows the state as text (rebuilt only when what it says changed). Returns the entry to focus again, for the
/// caller to focus once the app is no longer borrowed (focusing dispatches events).
pub(super) fn render_text_view(a: &mut App) -> Option<HtmlElement> {
    let lang = a.lang;
    let view = text_view(&a.model, &a.visible, &a.state, lang);
    let focus = if a.shown.as_ref() == Some(&view) { None } else { update_text_view(a.shown.as_ref(), &view, lang) };
    // Announced politely, and not while playing (a summary per frame would drown the reader); when playback
    // stops, where it stopped is announced.
    if !a.state.playing && a.announced != view.announcement {
        element("announce").set_text_content(Some(&view.announcement));
        a.announced.clone_from(&view.announcement);
    }
    a.shown = Some(view);
    focus
}

/// Brings the table and the list up to date with `view`, changing only what changed since `shown`: a timeline step
/// rebuilds no site row unless a status changed, and only the list entries entering or leaving the window. Returns
/// the entry that had the keyboard focus if it was rebuilt, to focus again.
fn update_text_view(shown: Option<&TextView>, view: &TextView, lang: Lang) -> Option<HtmlElement> {
    // Keep the keyboard where it was: rebuilt entries are focused again.
    let focused = document()
        .active_element()
        .filter(|e| e.closest("#text-view").ok().flatten().is_some())
        .and_then(|e| e.get_attribute("data-feature"));
    element("sites-caption").set_text_content(Some(&view.sites_caption));
    if shown.is_none_or(|s| s.sites != view.sites) {
        build_sites(view, lang);
    }
    update_list(shown, view, lang);
    let feature = focused?;
    let now: HtmlElement = document()
        .query_selector(&format!("#text-view [data-feature=\"{feature}\"]"))
        .ok()
        .flatten()?
        .dyn_into()
        .ok()?;
    let still_focused = document().active_element().is_some_and(|active| active == *now);
    (!still_focused).then_some(now)
}

fn build_sites(view: &TextView, lang: Lang) {
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
}

/// The list's entries: edited in place when the old and new lists share a run of entries (see [`list_edit`]), else
/// built again. The "… and N more" or "nothing in this window" line comes first, outside the entries.
fn update_list(shown: Option<&TextView>, view: &TextView, lang: Lang) {
    let list = element("window-list");
    let edit = shown.map_or(ListEdit::Rebuild, |s| list_edit(&s.entries, &view.entries));
    // The lines before the entries, as the old view had them.
    let lines = shown.map_or(0, |s| usize::from(s.hidden > 0) + usize::from(s.entries.is_empty()));
    match edit {
        ListEdit::Rebuild => list.set_text_content(None),
        ListEdit::Forward { drop, .. } => remove_children(&list, 0, lines + drop),
        ListEdit::Backward { drop, .. } => {
            remove_children(&list, 0, lines);
            let count = list.child_nodes().length() as usize;
            remove_children(&list, count.saturating_sub(drop), drop);
        }
    }
    match edit {
        ListEdit::Rebuild | ListEdit::Forward { .. } => {
            let from = if let ListEdit::Forward { append_from, .. } = edit { append_from } else { 0 };
            for entry in &view.entries[from..] {
                let _ = list.append_child(&entry_item(entry, lang));
            }
        }
        ListEdit::Backward { prepend, .. } => {
            let first = list.first_child();
            for entry in &view.entries[..prepend] {
                let _ = list.insert_before(&entry_item(entry, lang), first.as_ref());
            }
        }
    }
    let first = list.first_child();
    if view.entries.is_empty() {
        let _ = list.insert_before(&text_element("li", "list-empty", lang.t("list.empty")), first.as_ref());
    }
    if let Some(more) = more_line(view, lang) {
        let first = list.first_child();
        let _ = list.insert_before(&text_element("li", "list-more", &more), first.as_ref());
    }
}

/// Removes `count` children of `parent` (the list holds only its items) from position `from` on.
fn remove_children(parent: &web_sys::Element, from: usize, count: usize) {
    let children = parent.child_nodes();
    // Collected first: the list is live.
    let doomed: Vec<web_sys::Node> = (from..from + count).filter_map(|i| children.item(i as u32)).collect();
    for child in doomed {
        let _ = parent.remove_child(&child);
    }
}

/// The list item of one entry.
fn entry_item(entry: &EntryRow, lang: Lang) -> web_sys::Element {
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
    li
}

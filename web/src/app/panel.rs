//! The side panel: everything the data says about the selected feature, in the reader's language. What it says
//! is [`crate::panel`]'s (host-tested); this only builds the elements, and returns focus when it closes.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement};

use super::{App, History, OPENER, Shared, append_said, dispatch, document, element, text_element};
use crate::state::Action;
use crate::text;

/// Fills the side panel with the selected feature, or hides it when nothing is selected (only DOM: no event
/// reaches the app, so this runs under the render's borrow).
pub(super) fn render(a: &App) {
    let panel = element("panel");
    let body = element("panel-body");
    body.set_text_content(None);
    let Some(p) = crate::panel::panel(&a.model, &a.state, a.lang) else {
        let _ = panel.set_attribute("hidden", "");
        return;
    };
    let _ = panel.remove_attribute("hidden");
    fill(&body, &p, a.lang);
    // Signed-in editors (the server marks the page) get a link to the feature's form.
    let editor = document().body().is_some_and(|b| b.has_attribute("data-editor"));
    if let (true, Some(sel)) = (editor, a.state.map.selected.as_ref()) {
        let id = String::from(js_sys::encode_uri_component(&sel.id));
        let link = text_element("a", "panel-edit", a.lang.t("edit.edit_link"));
        let _ = link.set_attribute("href", &format!("/edit?lang={}#edit/{}/{id}", a.lang.code(), sel.layer.id()));
        let _ = body.append_child(&link);
    }
}

/// Writes what the panel says into `body` (the map's panel, and the editor's preview of a feature).
pub(super) fn fill(body: &Element, p: &crate::panel::Panel, lang: footprint::i18n::Lang) {
    let add = |el: Element| {
        let _ = body.append_child(&el);
    };
    // Text that exists only in English is marked as such (lang="en"), and the panel says so once.
    let english = |el: &Element, english: bool| {
        if english {
            let _ = el.set_attribute("lang", "en");
            let _ = el.set_attribute("dir", "ltr");
        }
    };
    let heading = text_element("h2", "panel-title", "");
    append_said(&heading, "", &p.name, lang);
    add(heading);
    for (other, name) in &p.other_names {
        let alt = text_element("p", "panel-alt-name", name);
        let _ = alt.set_attribute("lang", other.code());
        let _ = alt.set_attribute("dir", other.dir());
        add(alt);
    }
    if p.english_note {
        add(text_element("p", "fallback", lang.t("fallback.note")));
    }
    if let Some((updated, reason, history)) = &p.updated {
        // "Updated on … — reason (every version)": the reason stays in the language its editor wrote it in.
        let line = text_element("p", "panel-updated", &format!("{updated} — "));
        let why = text_element("span", "panel-reason", reason);
        let _ = why.set_attribute("dir", "auto");
        let _ = line.append_child(&why);
        let link = text_element("a", "", lang.t("panel.versions"));
        let _ = link.set_attribute("href", history);
        let _ = line.append_child(&link);
        add(line);
    }
    let facts = document().create_element("dl").expect_throw("dl");
    for fact in &p.facts {
        let _ = facts.append_child(&text_element("dt", "", fact.term));
        let dd = text_element("dd", "", &fact.value);
        english(&dd, fact.english);
        let _ = facts.append_child(&dd);
    }
    add(facts);
    if let Some((text, in_english)) = &p.description {
        let paragraph = text_element("p", "panel-description", text);
        english(&paragraph, *in_english);
        add(paragraph);
    }
    if !p.claims.is_empty() {
        add(text_element("h3", "", lang.t("panel.who")));
        let ul = document().create_element("ul").expect_throw("ul");
        for claim in &p.claims {
            let _ = ul.append_child(&text_element("li", &claim.class, &claim.text));
        }
        add(ul);
    }
    let (notes, notes_in_english) = &p.notes;
    if !notes.is_empty() {
        add(text_element("h3", "", lang.t("panel.notes")));
        let ul = document().create_element("ul").expect_throw("ul");
        english(&ul, *notes_in_english);
        for note in notes {
            let _ = ul.append_child(&text_element("li", "panel-note", note));
        }
        add(ul);
    }
    if !p.history.is_empty() {
        add(text_element("h3", "", lang.t("panel.history")));
        let ol = document().create_element("ol").expect_throw("ol");
        for period in &p.history {
            let _ = ol.append_child(&text_element("li", if period.current { "current" } else { "" }, &period.text));
        }
        add(ol);
    }
    add(text_element("h3", "", lang.t("panel.sources")));
    let ul = document().create_element("ul").expect_throw("ul");
    for source in &p.sources {
        let li = document().create_element("li").expect_throw("li");
        let link = text_element("a", "", &source.publisher);
        let _ = link.set_attribute("href", &source.url);
        let _ = link.set_attribute("rel", "noopener noreferrer external");
        let _ = link.set_attribute("target", "_blank");
        let _ = li.append_child(&link);
        let _ = li.append_child(&text_element("span", "source-meta", &source.meta));
        if let Some(quote) = &source.quote {
            // Quotes stay in the language the source wrote them in.
            let blockquote = text_element("blockquote", "", quote);
            let _ = blockquote.set_attribute("dir", "auto");
            let _ = li.append_child(&blockquote);
        }
        let _ = ul.append_child(&li);
    }
    add(ul);
}

/// Closes the panel and returns focus to where it was opened from.
pub(super) fn close(app: &Shared) {
    let selected = app.borrow().state.map.selected.clone();
    // Not borrowed from here on: rendering and focusing call into JS that can call back into the app.
    dispatch(app, Action::Select(None), History::Push);
    // Return focus to where the panel was opened from: the same control if it is still there, else its entry in
    // the text view (entries are rebuilt as time moves), else the map.
    let opener = OPENER.with(|o| o.borrow_mut().take()).filter(|e| e.is_connected() && e.tag_name() != "BODY");
    let target = opener
        .filter(|e| e.get_attribute("data-feature").is_none())
        .or_else(|| {
            selected.and_then(|s| {
                let reference = text::feature_ref(s.layer, &s.id);
                document().query_selector(&format!("[data-feature=\"{reference}\"]")).ok().flatten()
            })
        })
        .unwrap_or_else(|| element("map"));
    if let Some(target) = target.dyn_ref::<HtmlElement>() {
        let _ = target.focus();
    }
}

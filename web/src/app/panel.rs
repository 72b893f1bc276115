//! The side panel: everything the data says about the selected feature, in the reader's language (names, when and
//! where with their precision, who claimed and who denied it, casualty ranges, notes, sources with their quotes).

use footprint::domain::{DateBasis, LocationPrecision, Stance};
use footprint::i18n::Lang;
use wasm_bindgen::prelude::*;
use web_sys::Element;

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use super::{App, History, OPENER, Shared, append_said, dispatch, document, element, text_element};
use crate::model::Layer;
use crate::state::Action;
use crate::text;

fn precision_key(p: LocationPrecision) -> &'static str {
    match p {
        LocationPrecision::ExactFacility => "precision.exact-facility",
        LocationPrecision::Town => "precision.town",
        LocationPrecision::District => "precision.district",
        LocationPrecision::Governorate => "precision.governorate",
        LocationPrecision::Region => "precision.region",
        LocationPrecision::Unknown => "precision.unknown",
    }
}

/// Fills the side panel with the selected feature, or hides it when nothing is selected.
pub(super) fn render(a: &App) {
    let panel = element("panel");
    let body = element("panel-body");
    body.set_text_content(None);
    let Some(sel) = &a.state.map.selected else {
        let _ = panel.set_attribute("hidden", "");
        return;
    };
    let Some(f) = a.model.find(sel.layer, &sel.id) else {
        let _ = panel.set_attribute("hidden", "");
        return;
    };
    let _ = panel.remove_attribute("hidden");
    let lang = a.lang;
    let p = &f.properties;
    let d = p.details();
    let add = |el: Element| {
        let _ = body.append_child(&el);
    };
    // Text that exists only in English is marked as such (lang="en"), and the panel says so once.
    let english = |el: &Element| {
        if lang != Lang::En {
            let _ = el.set_attribute("lang", "en");
            let _ = el.set_attribute("dir", "ltr");
        }
    };
    let heading = text_element("h2", "panel-title", "");
    append_said(&heading, "", &text::name(f, lang), lang);
    add(heading);
    for other in Lang::ALL.into_iter().filter(|&l| l != lang) {
        let (name, actual) = other.pick(&p.name);
        if actual == other {
            let alt = text_element("p", "panel-alt-name", name);
            let _ = alt.set_attribute("lang", other.code());
            let _ = alt.set_attribute("dir", other.dir());
            add(alt);
        }
    }
    let has_english_only = lang != Lang::En
        && (d.description.as_ref().is_some_and(|t| lang.pick(t).1 != lang)
            || !d.notes.is_empty()
            || d.target.is_some()
            || d.location_note.is_some());
    if has_english_only {
        add(text_element("p", "fallback", lang.t("fallback.note")));
    }
    let facts = document().create_element("dl").expect_throw("dl");
    let fact = |term: &str, value: &str, in_english: bool| {
        let _ = facts.append_child(&text_element("dt", "", term));
        let dd = text_element("dd", "", value);
        if in_english {
            english(&dd);
        }
        let _ = facts.append_child(&dd);
    };
    let what = lang.messages().lookup(&format!("what.{}", p.kind));
    fact(lang.t("panel.what"), what.unwrap_or(&p.kind.replace('-', " ")), what.is_none());
    let when = lang.span(f);
    if p.date_basis == DateBasis::Publication {
        fact(lang.t("panel.when"), &format!("{when} ({})", lang.t("panel.date_publication")), false);
    } else {
        fact(lang.t("panel.when"), &when, false);
    }
    if p.status.is_some() {
        fact(lang.t("panel.status"), &text::status(p.status, lang).0, false);
    }
    if let Some(target) = &d.target {
        fact(lang.t("panel.target"), target, true);
    }
    if let Some(actor) = &d.actor {
        fact(lang.t("panel.actor"), actor, true);
    }
    // A denial stands among the facts, as high as the claim it answers.
    let denials: Vec<String> = d
        .attribution
        .iter()
        .filter(|c| c.stance == Stance::Denied)
        .map(|c| lang.tf("stance.denied", &[("by", &c.by)]))
        .collect();
    if !denials.is_empty() {
        fact(lang.t("panel.disputed"), &denials.join("; "), false);
    }
    let mut place = lang.t(precision_key(p.location_precision)).to_owned();
    if p.location_unsourced {
        place.push_str("; ");
        place.push_str(lang.t("panel.unsourced"));
    }
    fact(lang.t("panel.location"), &place, false);
    if let Some(note) = &d.location_note {
        fact(lang.t("panel.location_source"), note, true);
    }
    fact(lang.t("panel.confidence"), lang.t(&format!("confidence.{}", p.confidence.as_str())), false);
    if let Some(casualties) = &d.casualties {
        for (key, range) in [("panel.killed", &casualties.killed), ("panel.injured", &casualties.injured)] {
            if let Some(r) = range {
                let figure = if r.min == r.max {
                    lang.number(r.min)
                } else {
                    format!("{}–{}", lang.number(r.min), lang.number(r.max))
                };
                let by: Vec<String> =
                    r.reports.iter().map(|rep| format!("{} ({})", lang.number(rep.count), rep.by)).collect();
                fact(
                    lang.t(key),
                    &lang.tf("panel.casualties", &[("figure", &figure), ("reports", &by.join(", "))]),
                    false,
                );
            }
        }
    }
    add(facts);
    if let Some(description) = &d.description {
        let (text, actual) = lang.pick(description);
        let paragraph = text_element("p", "panel-description", text);
        if actual != lang {
            english(&paragraph);
        }
        add(paragraph);
    }
    if !d.attribution.is_empty() {
        add(text_element("h3", "", lang.t("panel.who")));
        let ul = document().create_element("ul").expect_throw("ul");
        for claim in &d.attribution {
            let line = lang.tf(&format!("stance.{}", claim.stance.as_str()), &[("by", &claim.by)]);
            let _ = ul.append_child(&text_element("li", &format!("stance-{}", claim.stance.as_str()), &line));
        }
        add(ul);
    }
    if !d.notes.is_empty() {
        add(text_element("h3", "", lang.t("panel.notes")));
        let ul = document().create_element("ul").expect_throw("ul");
        english(&ul);
        for note in &d.notes {
            let _ = ul.append_child(&text_element("li", "panel-note", note));
        }
        add(ul);
    }
    if sel.layer == Layer::Sites
        && let Some(site) = &d.site_id
    {
        add(text_element("h3", "", lang.t("panel.history")));
        let ol = document().create_element("ol").expect_throw("ol");
        for period in a.model.sites.iter().filter(|s| s.properties.details().site_id.as_ref() == Some(site)) {
            let label = text::status(period.properties.status, lang).0;
            let current = period.span().contains(a.state.map.day);
            let li =
                text_element("li", if current { "current" } else { "" }, &format!("{}: {label}", lang.span(period)));
            let _ = ol.append_child(&li);
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
        let via = source.via().map(|via| format!(" {}", lang.tf("panel.via", &[("name", via)]))).unwrap_or_default();
        let date = source
            .date
            .map_or_else(|| lang.t("panel.date_unknown").to_owned(), |date| lang.date(date.first, date.precision));
        let _ = li.append_child(&text_element("span", "source-meta", &format!("{via}, {date}")));
        if let Some(quote) = source.quote() {
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
    dispatch(app, Action::Select(None), History::Push);
    // Return focus to where the panel was opened from: the same control if it is still there, else its entry in
    // the text view (entries are rebuilt as time moves), else the map.
    let opener = OPENER.with(|o| o.borrow_mut().take()).filter(|e| e.is_connected() && e.tag_name() != "BODY");
    let target = opener
        .filter(|e| e.get_attribute("data-feature").is_none())
        .or_else(|| {
            selected.and_then(|s| {
                document().query_selector(&format!("[data-feature=\"{}:{}\"]", s.layer.id(), s.id)).ok().flatten()
            })
        })
        .unwrap_or_else(|| element("map"));
    if let Some(target) = target.dyn_ref::<HtmlElement>() {
        let _ = target.focus();
    }
}

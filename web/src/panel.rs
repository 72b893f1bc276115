//! The side panel's content for the selected feature, in the reader's language: its names, the facts (what, when,
//! status, target, actor, denials, where with its precision, confidence, casualty ranges with every report), the
//! description, who claimed and who denied it, the notes, a site's history and the sources with their quotes.
//!
//! Text that exists only in English is flagged `english`, so the page marks it `lang="en"` (and says so once);
//! the WebAssembly side (`app/panel.rs`) only builds the elements.

use footprint::domain::{DateBasis, LocationPrecision, Stance};
use footprint::i18n::Lang;

use crate::model::{Layer, Model};
use crate::state::State;
use crate::text::{self, Said};

/// One row of the panel's facts (`dt` and `dd`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    /// What the row says (the term).
    pub term: &'static str,
    /// Its value.
    pub value: String,
    /// Whether the value is English in a page in another language.
    pub english: bool,
}

/// One claim of who claimed, reported, attributed or denied it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimLine {
    /// The CSS class (`stance-claimed`…).
    pub class: String,
    /// The line ("Claimed by …").
    pub text: String,
}

/// One status period of a site's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    /// When and what ("Dec 2015 – 8 Dec 2024: Russian-operated").
    pub text: String,
    /// Whether it holds on the current day.
    pub current: bool,
}

/// One source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceLine {
    /// The publisher (the link's text).
    pub publisher: String,
    /// The link.
    pub url: String,
    /// The wire service it cites and its date (" via AFP, 9 Dec 2024").
    pub meta: String,
    /// The passage relied on, in the language the source wrote it in.
    pub quote: Option<String>,
}

/// What the panel shows for the selected feature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Panel {
    /// The name, in the reader's language or English.
    pub name: Said,
    /// The name in the other languages that have one.
    pub other_names: Vec<(Lang, String)>,
    /// Whether some of the panel is in English only (the page then says so once).
    pub english_note: bool,
    /// The facts.
    pub facts: Vec<Fact>,
    /// The description, and whether it is in English in a page in another language.
    pub description: Option<(String, bool)>,
    /// Who claimed, reported, attributed or denied it.
    pub claims: Vec<ClaimLine>,
    /// The notes (English only), and whether to mark them English.
    pub notes: (Vec<String>, bool),
    /// A site's status periods (none for strikes and events).
    pub history: Vec<Period>,
    /// The sources.
    pub sources: Vec<SourceLine>,
    /// When the published version corrected an earlier one: "Updated on …", the editor's reason (in the language
    /// it was written in), and the address of every version.
    pub updated: Option<(String, String, String)>,
}

/// The message key of a location precision.
pub fn precision_key(p: LocationPrecision) -> &'static str {
    match p {
        LocationPrecision::ExactFacility => "precision.exact-facility",
        LocationPrecision::Town => "precision.town",
        LocationPrecision::District => "precision.district",
        LocationPrecision::Governorate => "precision.governorate",
        LocationPrecision::Region => "precision.region",
        LocationPrecision::Unknown => "precision.unknown",
    }
}

/// The panel for the state's selection, or none when nothing (or nothing known) is selected.
pub fn panel(model: &Model, state: &State, lang: Lang) -> Option<Panel> {
    let sel = state.map.selected.as_ref()?;
    let f = model.find(sel.layer, &sel.id)?;
    let p = &f.properties;
    let d = p.details();
    // Text from the data that exists only in English is marked as such, unless the page is in English.
    let english = |in_english: bool| in_english && lang != Lang::En;
    let other_names = Lang::ALL
        .into_iter()
        .filter(|&l| l != lang)
        .filter_map(|other| {
            let (name, actual) = other.pick(&p.name);
            (actual == other).then(|| (other, name.to_owned()))
        })
        .collect();
    let english_note = lang != Lang::En
        && (d.description.as_ref().is_some_and(|t| lang.pick(t).1 != lang)
            || !d.notes.is_empty()
            || d.target.is_some()
            || d.location_note.is_some());
    let mut facts = Vec::new();
    let mut fact = |term: &str, value: String, in_english: bool| {
        facts.push(Fact { term: lang.t(term), value, english: english(in_english) });
    };
    let what = lang.messages().lookup(&format!("what.{}", p.kind));
    fact("panel.what", what.map_or_else(|| p.kind.replace('-', " "), str::to_owned), what.is_none());
    let when = lang.span(f);
    if p.date_basis == DateBasis::Publication {
        fact("panel.when", format!("{when} ({})", lang.t("panel.date_publication")), false);
    } else {
        fact("panel.when", when, false);
    }
    if p.status.is_some() {
        fact("panel.status", text::status(p.status, lang).0, false);
    }
    if let Some(target) = &d.target {
        fact("panel.target", target.to_string(), true);
    }
    if let Some(actor) = &d.actor {
        fact("panel.actor", actor.to_string(), true);
    }
    // A denial stands among the facts, as high as the claim it answers.
    let denials: Vec<String> = d
        .attribution
        .iter()
        .filter(|c| c.stance == Stance::Denied)
        .map(|c| lang.tf("stance.denied", &[("by", &c.by)]))
        .collect();
    if !denials.is_empty() {
        fact("panel.disputed", denials.join("; "), false);
    }
    let mut place = lang.t(precision_key(p.location_precision)).to_owned();
    if p.location_unsourced {
        place.push_str("; ");
        place.push_str(lang.t("panel.unsourced"));
    }
    fact("panel.location", place, false);
    if let Some(note) = &d.location_note {
        fact("panel.location_source", note.to_string(), true);
    }
    fact("panel.confidence", lang.t(&format!("confidence.{}", p.confidence.as_str())).to_owned(), false);
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
                fact(key, lang.tf("panel.casualties", &[("figure", &figure), ("reports", &by.join(", "))]), false);
            }
        }
    }
    let description = d.description.as_ref().map(|description| {
        let (text, actual) = lang.pick(description);
        (text.to_owned(), english(actual != lang))
    });
    let claims = d
        .attribution
        .iter()
        .map(|claim| ClaimLine {
            class: format!("stance-{}", claim.stance.as_str()),
            text: lang.tf(&format!("stance.{}", claim.stance.as_str()), &[("by", &claim.by)]),
        })
        .collect();
    let notes = (d.notes.iter().map(ToString::to_string).collect(), english(true));
    let history = match (sel.layer, &d.site_id) {
        (Layer::Sites, Some(site)) => model
            .sites
            .iter()
            .filter(|s| s.properties.details().site_id.as_ref() == Some(site))
            .map(|period| Period {
                text: format!("{}: {}", lang.span(period), text::status(period.properties.status, lang).0),
                current: period.span().contains(state.map.day),
            })
            .collect(),
        _ => Vec::new(),
    };
    let sources = p
        .sources
        .iter()
        .map(|source| {
            let via =
                source.via().map(|via| format!(" {}", lang.tf("panel.via", &[("name", via)]))).unwrap_or_default();
            let date = source
                .date
                .map_or_else(|| lang.t("panel.date_unknown").to_owned(), |date| lang.date(date.first, date.precision));
            SourceLine {
                publisher: source.publisher.to_string(),
                url: source.url.to_string(),
                meta: format!("{via}, {date}"),
                quote: source.quote().map(str::to_owned),
            }
        })
        .collect();
    let updated = f.updated.as_ref().map(|u| {
        let day = footprint::domain::calendar::day_of(u.at.fixed_offset());
        let date = day.date().map_or_else(String::new, |d| lang.date(d, footprint::domain::DatePrecision::Day));
        let id: String = form_urlencoded::byte_serialize(f.id.as_bytes()).collect();
        (
            lang.tf("panel.updated", &[("date", &date)]),
            u.reason.clone(),
            format!("/api/collections/{}/items/{id}/history", sel.layer.id()),
        )
    });
    Some(Panel {
        name: text::name(f, lang),
        updated,
        other_names,
        english_note,
        facts,
        description,
        claims,
        notes,
        history,
        sources,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{Action, Selection};

    fn selecting(model: &Model, layer: Layer, id: &str) -> State {
        let t = model.timeline_span();
        let mut s = State::new(t);
        s.apply(Action::Select(Some(Selection { layer, id: id.into() })), t);
        s
    }

    fn fact<'a>(panel: &'a Panel, lang: Lang, term: &str) -> Option<&'a Fact> {
        panel.facts.iter().find(|f| f.term == lang.t(term))
    }

    #[test]
    fn nothing_selected_or_an_unknown_selection_shows_no_panel() {
        let m = crate::model::curated();
        assert_eq!(panel(&m, &State::new(m.timeline_span()), Lang::En), None);
        assert_eq!(panel(&m, &selecting(&m, Layer::Strikes, "no-such-strike"), Lang::En), None);
    }

    #[test]
    fn a_denial_stands_among_the_facts_and_a_casualty_range_lists_every_report() {
        let m = crate::model::curated();
        let p = panel(&m, &selecting(&m, Layer::Strikes, "e18"), Lang::En).unwrap();
        let disputed = fact(&p, Lang::En, "panel.disputed").unwrap();
        assert!(!disputed.value.is_empty() && !disputed.english);
        let killed = fact(&p, Lang::En, "panel.killed").unwrap();
        assert!(killed.value.contains("5–17"), "{}", killed.value);
        assert!(killed.value.contains("11 (SOHR"), "{}", killed.value);
        assert!(p.claims.iter().any(|c| c.class == "stance-denied"));
        assert!(p.history.is_empty(), "only sites have a history");
        assert!(!p.sources.is_empty() && p.sources.iter().all(|s| s.meta.starts_with(' ') || s.meta.starts_with(',')));
    }

    #[test]
    fn english_only_text_is_flagged_in_other_languages_but_not_in_english() {
        let m = crate::model::curated();
        let s = selecting(&m, Layer::Strikes, "e18");
        let ar = panel(&m, &s, Lang::Ar).unwrap();
        assert!(ar.english_note, "the panel says once that some of it is in English");
        assert!(ar.notes.1 && !ar.notes.0.is_empty(), "the notes are marked English");
        assert_eq!(ar.name.lang, Lang::Ar);
        assert_eq!(ar.other_names.iter().map(|(l, _)| *l).collect::<Vec<_>>(), [Lang::En, Lang::Ru]);
        let en = panel(&m, &s, Lang::En).unwrap();
        assert!(!en.english_note && !en.notes.1 && en.facts.iter().all(|f| !f.english));
        assert!(en.description.is_none_or(|(_, english)| !english));
    }

    #[test]
    fn a_site_lists_its_status_periods_and_marks_the_current_one() {
        let m = crate::model::curated();
        let t = m.timeline_span();
        let id = m.sites.iter().find(|f| f.id.starts_with("khmeimim")).unwrap().id.to_string();
        let mut s = selecting(&m, Layer::Sites, &id);
        s.apply(Action::Scrub(footprint::domain::Day::from_ymd(2024, 12, 6).unwrap()), t);
        let p = panel(&m, &s, Lang::En).unwrap();
        assert!(p.history.len() > 1, "{:?}", p.history);
        assert_eq!(p.history.iter().filter(|h| h.current).count(), 1, "one period holds on the day");
        assert!(fact(&p, Lang::En, "panel.status").is_some());
    }

    #[test]
    fn a_corrected_feature_says_when_and_why_and_links_to_its_versions() {
        let mut model = crate::model::curated();
        let feature = model.strikes.first_mut().map(|f| {
            f.updated = Some(Box::new(footprint::domain::Updated {
                at: chrono::DateTime::parse_from_rfc3339("2026-11-29T22:30:00Z").unwrap().to_utc(),
                reason: "Date corrected from a second source".into(),
            }));
            f.id.to_string()
        });
        let id = feature.unwrap();
        let p = panel(&model, &selecting(&model, Layer::Strikes, &id), Lang::En).unwrap();
        let (updated, reason, history) = p.updated.unwrap();
        // 22:30 UTC on 29 November is 30 November in Syria.
        assert_eq!(updated, "Updated on 30 Nov 2026");
        assert_eq!(reason, "Date corrected from a second source");
        assert_eq!(history, format!("/api/collections/strikes/items/{id}/history"));
        let first = model.strikes.get(1).map(|f| f.id.to_string()).unwrap();
        assert!(panel(&model, &selecting(&model, Layer::Strikes, &first), Lang::En).unwrap().updated.is_none());
    }

    #[test]
    fn every_precision_has_a_message() {
        use LocationPrecision as P;
        for p in [P::ExactFacility, P::Town, P::District, P::Governorate, P::Region, P::Unknown] {
            for lang in Lang::ALL {
                assert!(lang.messages().lookup(precision_key(p)).is_some(), "{lang}: {}", precision_key(p));
            }
        }
    }
}

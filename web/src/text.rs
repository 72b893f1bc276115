//! The map as text, in the reader's language: a table of the sites with their status on the current day, and the
//! strikes and events of the window in date order (oldest first), each linked to the detail panel. The same rows
//! are the fallback where the map cannot be drawn (no WebGL), and a short summary is announced politely.
//!
//! Names come in the reader's language where the data has them; otherwise in English, flagged so the page can
//! say so (and mark the text `lang="en"`).

use footprint::domain::{Feature, Status};
use footprint::i18n::Lang;

use crate::model::{Layer, Model};
use crate::state::{Selection, State};
use crate::view::Visible;
use footprint::map::palette;

/// The most strikes and events the list shows (the latest ones; the rest are counted).
pub const LIST_LIMIT: usize = 100;

/// A text in some language: what to show and the language it is actually in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Said {
    /// The text.
    pub text: String,
    /// Its language (English when the reader's language had no translation).
    pub lang: Lang,
}

/// One row of the sites table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteRow {
    /// The site status period's feature id (opens its panel).
    pub id: String,
    /// The site's name.
    pub name: Said,
    /// The status label.
    pub status: String,
    /// The status letter shown on the map.
    pub letter: &'static str,
    /// The status colour (`#rrggbb`).
    pub colour: String,
    /// Since when the status holds, at its precision.
    pub since: String,
}

/// One strike or event of the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryRow {
    /// Its layer.
    pub layer: Layer,
    /// Its id.
    pub id: String,
    /// Its time, at its precision.
    pub when: String,
    /// "strike" or "event".
    pub kind: String,
    /// Its name.
    pub name: Said,
    /// Whether it has no place on the map.
    pub unlocated: bool,
}

/// The text view for a state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextView {
    /// Caption of the sites table ("Sites on 9 Dec 2024").
    pub sites_caption: String,
    /// Sites, by name.
    pub sites: Vec<SiteRow>,
    /// Strikes and events of the window, oldest first (the latest [`LIST_LIMIT`] when there are more).
    pub entries: Vec<EntryRow>,
    /// How many earlier entries are left out.
    pub hidden: usize,
    /// The polite announcement: "9 Dec 2024: 3 strikes, 1 event."
    pub announcement: String,
}

/// The name of a feature in `lang`, or in English.
pub fn name(feature: &Feature, lang: Lang) -> Said {
    let (text, lang) = lang.pick(&feature.properties.name);
    Said { text: text.to_owned(), lang }
}

/// A status's label, letter and colour (`#rrggbb`), from the palette and the UI messages.
pub fn status(status: Option<Status>, lang: Lang) -> (String, &'static str, String) {
    let Some(status) = status else { return (String::new(), "", palette::NO_STATUS.hex()) };
    (
        lang.t(&palette::status_label_key(status)).to_owned(),
        palette::status_letter(status),
        palette::status_colour(status).hex(),
    )
}

/// The reference (`data-feature`) of a feature in the text view: `strikes:e18`.
pub fn feature_ref(layer: Layer, id: &str) -> String {
    format!("{}:{id}", layer.id())
}

/// The selection a text view reference stands for.
pub fn selection_of(reference: &str) -> Option<Selection> {
    let (layer, id) = reference.split_once(':')?;
    Some(Selection { layer: Layer::from_id(layer)?, id: id.to_owned() })
}

/// The line above the list saying how many earlier entries it leaves out, if any.
pub fn more_line(view: &TextView, lang: Lang) -> Option<String> {
    (view.hidden > 0).then(|| lang.tf("list.more", &[("n", &lang.number(view.hidden))]))
}

/// Builds the text view of what is visible.
pub fn text_view(model: &Model, visible: &Visible, state: &State, lang: Lang) -> TextView {
    let mut sites: Vec<SiteRow> = if state.map.shows(Layer::Sites) {
        visible
            .sites
            .iter()
            .map(|&i| {
                let f = &model.sites[i as usize];
                let (status, letter, colour) = status(f.properties.status, lang);
                SiteRow {
                    id: f.id.to_string(),
                    name: name(f, lang),
                    status,
                    letter,
                    colour,
                    since: lang.date(f.properties.start, f.properties.start_precision),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    sites.sort_by(|a, b| a.name.text.cmp(&b.name.text));
    let mut all: Vec<(Layer, &Feature)> = [Layer::Strikes, Layer::Events]
        .into_iter()
        .filter(|&l| state.map.shows(l))
        .flat_map(|l| visible.of(l).iter().map(move |&i| (l, &model.layer(l)[i as usize])))
        .collect();
    all.sort_by(|a, b| {
        a.1.properties.start.cmp(&b.1.properties.start).then_with(|| a.0.cmp(&b.0)).then_with(|| a.1.id.cmp(&b.1.id))
    });
    let shown_here = all.len().saturating_sub(LIST_LIMIT);
    // A tiled layer's model holds only its latest features: the rest of its count is left out of the list too.
    let not_loaded: u64 = [Layer::Strikes, Layer::Events]
        .into_iter()
        .filter(|&l| state.map.shows(l))
        .map(|l| model.count(l, visible.of(l)).saturating_sub(visible.of(l).len() as u64))
        .sum();
    let hidden = shown_here + usize::try_from(not_loaded).unwrap_or(usize::MAX);
    let entries = all[shown_here..]
        .iter()
        .map(|&(layer, f)| EntryRow {
            layer,
            id: f.id.to_string(),
            when: lang.span(f),
            kind: lang.t(if layer == Layer::Strikes { "kind.strike" } else { "kind.event" }).to_owned(),
            name: name(f, lang),
            unlocated: f.geometry.is_none(),
        })
        .collect();
    let day = lang.day(state.map.day);
    let announcement = lang.tf(
        "list.announce",
        &[
            ("date", &day),
            ("strikes", &lang.count("count.strikes", model.count(Layer::Strikes, &visible.strikes))),
            ("events", &lang.count("count.events", model.count(Layer::Events, &visible.events))),
        ],
    );
    TextView { sites_caption: lang.tf("list.sites_heading", &[("date", &day)]), sites, entries, hidden, announcement }
}

/// The counts line under the timeline: "1 Dec 2024 – 30 Dec 2024: 12 strikes (3 unlocated), 4 events (0 unlocated)";
/// "counting…" while a tiled layer's first counts are on their way (never a zero the server did not give).
pub fn counts(model: &Model, visible: &Visible, state: &State, lang: Lang) -> String {
    let unlocated = |layer: Layer| model.unlocated(layer, visible.of(layer));
    let w = state.map.window();
    if ![Layer::Strikes, Layer::Events].into_iter().all(|l| model.is_counted(l)) {
        let key = if w.first == footprint::domain::Day::MIN { "counts.counting_cumulative" } else { "counts.counting" };
        return lang.tf(key, &[("first", &lang.day(w.first)), ("last", &lang.day(w.last))]);
    }
    let args = [
        ("first", lang.day(w.first)),
        ("last", lang.day(w.last)),
        ("strikes", lang.count("count.strikes", model.count(Layer::Strikes, &visible.strikes))),
        ("strikes_unlocated", lang.number(unlocated(Layer::Strikes))),
        ("events", lang.count("count.events", model.count(Layer::Events, &visible.events))),
        ("events_unlocated", lang.number(unlocated(Layer::Events))),
    ];
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let key = if w.first == footprint::domain::Day::MIN { "counts.cumulative" } else { "counts.window" };
    lang.tf(key, &args)
}

#[cfg(test)]
mod tests {
    use footprint::domain::Day;

    use super::*;
    use crate::state::{Action, Mode};
    use crate::view::visible;

    fn model() -> Model {
        crate::model::curated()
    }

    fn state_on(model: &Model, y: i32, m: u32, d: u32) -> State {
        let timeline = model.timeline_span();
        let mut s = State::new(timeline);
        s.apply(Action::Scrub(Day::from_ymd(y, m, d).unwrap()), timeline);
        s
    }

    #[test]
    fn strikes_and_events_are_listed_in_date_order_with_every_one_counted() {
        let m = model();
        let mut s = state_on(&m, 2025, 12, 31);
        s.apply(Action::SetMode(Mode::Cumulative), m.timeline_span());
        let v = visible(&m, &s);
        let text = text_view(&m, &v, &s, Lang::En);
        assert_eq!(text.entries.len() + text.hidden, v.strikes.len() + v.events.len());
        let starts: Vec<_> = text.entries.iter().map(|e| m.find(e.layer, &e.id).unwrap().properties.start).collect();
        assert!(starts.windows(2).all(|w| w[0] <= w[1]), "oldest first");
        assert!(text.entries.iter().any(|e| e.unlocated), "unlocated entries are listed too");
    }

    #[test]
    fn the_sites_table_gives_each_site_its_status_on_the_day() {
        let m = model();
        let s = state_on(&m, 2024, 12, 9);
        let v = visible(&m, &s);
        let text = text_view(&m, &v, &s, Lang::Ru);
        let khmeimim = text.sites.iter().find(|r| r.id.starts_with("khmeimim")).unwrap();
        assert_eq!(khmeimim.name, Said { text: "Авиабаза Хмеймим".into(), lang: Lang::Ru });
        assert_eq!(
            khmeimim.status,
            Lang::Ru.t(&format!(
                "status.{}",
                m.find(Layer::Sites, &khmeimim.id).unwrap().properties.status.unwrap().as_str()
            ))
        );
        assert!(!khmeimim.letter.is_empty(), "a letter besides the colour");
        assert_eq!(text.sites_caption, Lang::Ru.tf("list.sites_heading", &[("date", "9 декабря 2024")]));
    }

    #[test]
    fn every_status_stance_confidence_and_precision_in_the_data_has_words_in_every_language() {
        let m = model();
        for lang in Lang::ALL {
            let messages = lang.messages();
            for layer in Layer::ALL {
                for f in m.layer(layer) {
                    let p = &f.properties;
                    let mut keys = vec![
                        format!("confidence.{}", p.confidence.as_str()),
                        format!("precision.{}", p.location_precision.as_str()),
                        format!("what.{}", p.kind),
                    ];
                    keys.extend(p.status.map(|s| format!("status.{}", s.as_str())));
                    keys.extend(p.details().attribution.iter().map(|c| format!("stance.{}", c.stance.as_str())));
                    for key in keys {
                        assert!(messages.lookup(&key).is_some(), "web/i18n/{lang}.json lacks `{key}` ({})", f.id);
                    }
                }
            }
        }
    }

    #[test]
    fn a_text_view_reference_reads_back_as_its_selection() {
        assert_eq!(feature_ref(Layer::Sites, "khmeimim.2015-09-30"), "sites:khmeimim.2015-09-30");
        assert_eq!(
            selection_of("sites:khmeimim.2015-09-30"),
            Some(Selection { layer: Layer::Sites, id: "khmeimim.2015-09-30".into() })
        );
        assert_eq!(selection_of("strikes:a:b").map(|s| s.id), Some("a:b".into()), "the id may hold a colon");
        assert_eq!(selection_of("nowhere:x"), None);
        assert_eq!(selection_of("no-colon"), None);
    }

    #[test]
    fn a_long_list_says_how_many_earlier_entries_it_leaves_out() {
        let m = model();
        let s = state_on(&m, 2025, 12, 31);
        let text = text_view(&m, &visible(&m, &s), &s, Lang::Ar);
        assert_eq!(more_line(&text, Lang::Ar), None, "{} entries: none left out", text.entries.len());
        let long = TextView { hidden: 120, ..text };
        assert_eq!(more_line(&long, Lang::Ar), Some(Lang::Ar.tf("list.more", &[("n", "١٢٠")])));
    }

    #[test]
    fn a_name_without_a_translation_falls_back_to_english_and_says_so() {
        let f: Feature = serde_json::from_str(
            r#"{"type":"Feature","id":"x","geometry":null,"properties":{"name":{"en":"Only English"},"kind":"airstrike",
            "start":"2025-01-01","start_precision":"day","end":"2025-01-01","end_precision":"day","location_precision":"unknown",
            "confidence":"low","sources":[{"publisher":"p","url":"https://e.org","date":null}]}}"#,
        )
        .unwrap();
        assert_eq!(name(&f, Lang::Ar), Said { text: "Only English".into(), lang: Lang::En });
    }

    #[test]
    fn the_announcement_and_counts_are_in_the_readers_language() {
        let m = model();
        let s = state_on(&m, 2024, 12, 10);
        let v = visible(&m, &s);
        let ar = text_view(&m, &v, &s, Lang::Ar).announcement;
        assert!(ar.contains("١٠ ديسمبر ٢٠٢٤"), "{ar}");
        assert!(!ar.chars().any(|c| c.is_ascii_digit()), "Arabic-Indic digits only: {ar}");
        let en = counts(&m, &v, &s, Lang::En);
        assert!(en.starts_with("11 Nov 2024 – 10 Dec 2024: "), "{en}");
    }

    #[test]
    fn a_tiled_layer_not_yet_counted_is_said_to_be_counted_never_zero() {
        let m = crate::model::Model { tiled: [false, true, false], ..model() };
        let s = state_on(&m, 2024, 12, 10);
        let v = visible(&m, &s);
        for lang in [Lang::En, Lang::Ar, Lang::Ru] {
            let line = counts(&m, &v, &s, lang);
            assert_eq!(
                line,
                lang.tf(
                    "counts.counting",
                    &[("first", &lang.day(s.map.window().first)), ("last", &lang.day(s.map.day))]
                )
            );
            assert!(!line.contains(&lang.count("count.strikes", 0)) && !line.contains('{'), "{line}");
        }
    }
}

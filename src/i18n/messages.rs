//! UI messages: one JSON file per language in `web/i18n/` (compiled in), each key a string or a CLDR plural
//! object, `{name}` placeholders filled at run time. The plural rules are CLDR's for integers, hand-written for the
//! three languages (a few lines each; a CLDR data crate would add every locale to the WebAssembly).

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::Deserialize;

use super::Lang;

/// The catalogs as written by translators.
const SOURCES: [(Lang, &str); 3] = [
    (Lang::En, include_str!("../../web/i18n/en.json")),
    (Lang::Ar, include_str!("../../web/i18n/ar.json")),
    (Lang::Ru, include_str!("../../web/i18n/ru.json")),
];

/// A CLDR plural category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Plural {
    /// Arabic 0.
    Zero,
    /// 1 (Russian: 1, 21, 31, …).
    One,
    /// Arabic 2.
    Two,
    /// Russian 2–4, 22–24, …; Arabic 3–10, 103–110, ….
    Few,
    /// Russian 0, 5–20, 25–30, …; Arabic 11–99, 111–199, ….
    Many,
    /// Everything else (English plurals; Arabic 100–102, …; fractions).
    Other,
}

impl Plural {
    /// Every category, in CLDR order.
    pub const ALL: [Plural; 6] = [Plural::Zero, Plural::One, Plural::Two, Plural::Few, Plural::Many, Plural::Other];

    /// The category of a whole number in a language.
    pub fn of(lang: Lang, n: u64) -> Plural {
        let (n10, n100) = (n % 10, n % 100);
        match lang {
            Lang::En if n == 1 => Plural::One,
            Lang::En => Plural::Other,
            Lang::Ru if n10 == 1 && n100 != 11 => Plural::One,
            Lang::Ru if (2..=4).contains(&n10) && !(12..=14).contains(&n100) => Plural::Few,
            Lang::Ru => Plural::Many,
            Lang::Ar => match n {
                0 => Plural::Zero,
                1 => Plural::One,
                2 => Plural::Two,
                _ if (3..=10).contains(&n100) => Plural::Few,
                _ if (11..=99).contains(&n100) => Plural::Many,
                _ => Plural::Other,
            },
        }
    }

    /// The categories a language's plural messages must have.
    pub fn required(lang: Lang) -> &'static [Plural] {
        match lang {
            Lang::En => &[Plural::One, Plural::Other],
            Lang::Ru => &[Plural::One, Plural::Few, Plural::Many, Plural::Other],
            Lang::Ar => &Plural::ALL,
        }
    }

    /// The category's name in the files: `zero`, `one`, `two`, `few`, `many`, `other`.
    pub fn name(self) -> &'static str {
        match self {
            Plural::Zero => "zero",
            Plural::One => "one",
            Plural::Two => "two",
            Plural::Few => "few",
            Plural::Many => "many",
            Plural::Other => "other",
        }
    }
}

/// One entry of a catalog.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Entry {
    /// A plain message.
    Text(String),
    /// A counted message: plural category name → message.
    Plural(BTreeMap<String, String>),
}

/// One language's messages.
#[derive(Debug)]
pub struct Messages {
    lang: Lang,
    entries: HashMap<String, Entry>,
}

/// Why a catalog could not be read.
#[derive(Debug, thiserror::Error)]
#[error("web/i18n/{lang}.json: {message}")]
pub struct CatalogError {
    /// The catalog's language.
    pub lang: Lang,
    /// What is wrong.
    pub message: String,
}

impl Messages {
    /// Parses a catalog.
    ///
    /// # Errors
    /// When the JSON is not an object of strings and plural objects.
    pub fn parse(lang: Lang, json: &str) -> Result<Messages, CatalogError> {
        let entries = serde_json::from_str(json).map_err(|e| CatalogError { lang, message: e.to_string() })?;
        Ok(Messages { lang, entries })
    }

    /// The compiled-in catalog of a language (an unreadable one is empty, so every lookup falls back to English;
    /// the tests make sure none is).
    pub fn of(lang: Lang) -> &'static Messages {
        static CATALOGS: OnceLock<Vec<Messages>> = OnceLock::new();
        let catalogs = CATALOGS.get_or_init(|| {
            SOURCES
                .iter()
                .map(|&(lang, json)| {
                    Messages::parse(lang, json).unwrap_or_else(|_| Messages { lang, entries: HashMap::new() })
                })
                .collect()
        });
        let index = SOURCES.iter().position(|(l, _)| *l == lang).unwrap_or(0);
        &catalogs[index]
    }

    /// The compiled-in catalog sources, for the completeness test and `footprint check`.
    pub fn sources() -> &'static [(Lang, &'static str)] {
        &SOURCES
    }

    /// The language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Every key with its entry.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Entry)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The message for `key` in this language, if it has one (a plural message gives its `other` form).
    pub fn lookup(&self, key: &str) -> Option<&str> {
        match self.entries.get(key)? {
            Entry::Text(text) => Some(text),
            Entry::Plural(forms) => forms.get("other").map(String::as_str),
        }
    }

    /// The message for `key`, falling back to English, then to the empty string (the tests forbid both).
    pub fn text(&self, key: &str) -> &str {
        self.lookup(key).or_else(|| Messages::of(Lang::En).lookup(key)).unwrap_or("")
    }

    /// The message for `key` with `{name}` placeholders replaced by `args` (one pass: a value is never re-read).
    pub fn format(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(self.text(key), args)
    }

    /// The plural form of `key` for `n`, with `{n}` in this language's digits.
    pub fn count(&self, key: &str, n: u64) -> String {
        self.count_with(key, n, &[])
    }

    /// [`Messages::count`] with more placeholders.
    pub fn count_with(&self, key: &str, n: u64, args: &[(&str, &str)]) -> String {
        let number = self.lang.number(n);
        let mut all = vec![("n", number.as_str())];
        all.extend_from_slice(args);
        let form = match self.entries.get(key) {
            Some(Entry::Plural(forms)) => {
                forms.get(Plural::of(self.lang, n).name()).or_else(|| forms.get("other")).map(String::as_str)
            }
            Some(Entry::Text(text)) => Some(text.as_str()),
            None => None,
        };
        match form {
            Some(form) => fill(form, &all),
            None if self.lang != Lang::En => Messages::of(Lang::En).count_with(key, n, args),
            None => String::new(),
        }
    }
}

/// The placeholder names in a message: `{date}` → `date`.
#[cfg(test)]
fn placeholders(message: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = message;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        names.push(&after[..close]);
        rest = &after[close + 1..];
    }
    names
}

fn fill(message: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(message.len() + 16);
    let mut rest = message;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((name, close)) if args.iter().any(|(k, _)| *k == name) => {
                out.push_str(args.iter().find(|(k, _)| *k == name).map_or("", |(_, v)| v));
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn catalog(lang: Lang) -> Messages {
        let json = SOURCES.iter().find(|(l, _)| *l == lang).map(|(_, j)| *j).unwrap();
        Messages::parse(lang, json).unwrap_or_else(|e| panic!("{e}"))
    }

    fn forms(entry: &Entry) -> Vec<(&str, &str)> {
        match entry {
            Entry::Text(t) => vec![("", t.as_str())],
            Entry::Plural(f) => f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(),
        }
    }

    #[test]
    fn every_key_exists_in_every_language_with_the_same_placeholders() {
        let en = catalog(Lang::En);
        for lang in Lang::ALL {
            let other = catalog(lang);
            let en_keys: BTreeSet<&str> = en.entries().map(|(k, _)| k).collect();
            let keys: BTreeSet<&str> = other.entries().map(|(k, _)| k).collect();
            let missing: Vec<_> = en_keys.difference(&keys).collect();
            let extra: Vec<_> = keys.difference(&en_keys).collect();
            assert!(missing.is_empty(), "web/i18n/{lang}.json lacks {missing:?}");
            assert!(extra.is_empty(), "web/i18n/{lang}.json has keys English lacks: {extra:?}");
            for (key, entry) in other.entries() {
                let en_entry = en.entries.get(key).unwrap();
                let en_placeholders: BTreeSet<&str> =
                    forms(en_entry).iter().flat_map(|(_, m)| placeholders(m)).collect();
                let expected: BTreeSet<&str> = en_placeholders.iter().copied().filter(|p| *p != "n").collect();
                assert!(!matches!(entry, Entry::Text(t) if t.trim().is_empty()), "{lang}.json: {key} is empty");
                match (en_entry, entry) {
                    (Entry::Text(_), Entry::Text(t)) => {
                        let found: BTreeSet<&str> = placeholders(t).into_iter().collect();
                        assert_eq!(found, en_placeholders, "{lang}.json: {key}: placeholders differ from English");
                    }
                    (Entry::Plural(_), Entry::Plural(f)) => {
                        for category in Plural::required(lang) {
                            assert!(f.contains_key(category.name()), "{lang}.json: {key} lacks `{}`", category.name());
                        }
                        for (category, form) in f {
                            assert!(
                                Plural::ALL.iter().any(|p| p.name() == category),
                                "{lang}.json: {key}: `{category}` is not a CLDR category"
                            );
                            let found: BTreeSet<&str> = placeholders(form).into_iter().filter(|p| *p != "n").collect();
                            assert!(found.is_subset(&expected), "{lang}.json: {key}.{category}: unknown placeholders");
                        }
                        for category in ["many", "other"] {
                            if let Some(form) = f.get(category).filter(|_| lang != Lang::En || category == "other") {
                                assert!(form.contains("{n}"), "{lang}.json: {key}.{category} must show the number");
                            }
                        }
                    }
                    _ => panic!(
                        "{lang}.json: {key} must be {} like English",
                        if matches!(en_entry, Entry::Text(_)) { "a string" } else { "a plural object" }
                    ),
                }
            }
        }
    }

    #[test]
    fn every_message_the_page_templates_ask_for_is_a_key() {
        let en = catalog(Lang::En);
        for (name, html) in [
            ("index.html", include_str!("../../web/static/index.html")),
            ("embed.html", include_str!("../../web/static/embed.html")),
            ("parts/timeline.html", include_str!("../../web/static/parts/timeline.html")),
            ("parts/layers.html", include_str!("../../web/static/parts/layers.html")),
            ("parts/text-view.html", include_str!("../../web/static/parts/text-view.html")),
            ("parts/lang-switch.html", include_str!("../../web/static/parts/lang-switch.html")),
        ] {
            let keys: Vec<&str> =
                html.split("t(\"").skip(1).filter_map(|rest| rest.split_once("\")").map(|(k, _)| k)).collect();
            assert!(!keys.is_empty(), "web/static/{name}: no t(\"key\") found (has the template syntax changed?)");
            for key in keys {
                assert!(en.lookup(key).is_some(), "web/static/{name}: t(\"{key}\") is not in web/i18n/en.json");
            }
        }
    }

    #[test]
    fn every_message_key_the_code_names_is_in_the_catalog() {
        let en = catalog(Lang::En);
        for (name, code) in [
            ("web/src/app.rs", include_str!("../../web/src/app.rs")),
            ("web/src/text.rs", include_str!("../../web/src/text.rs")),
            ("src/http/embed.rs", include_str!("../http/embed.rs")),
            ("src/i18n/dates.rs", include_str!("dates.rs")),
        ] {
            let mut found = 0;
            for call in ["t(\"", "tf(\"", "count(\"", "count_with(\"", "lookup(\""] {
                for rest in code.split(call).skip(1) {
                    let Some((key, _)) = rest.split_once('"') else { continue };
                    if key.contains('.') && !key.contains(' ') {
                        assert!(en.lookup(key).is_some(), "{name}: `{key}` is not in web/i18n/en.json");
                        found += 1;
                    }
                }
            }
            assert!(found > 0, "{name}: no message keys found (has the calling convention changed?)");
        }
    }

    #[test]
    fn russian_and_arabic_counts_take_their_plural_forms() {
        assert_eq!(Plural::of(Lang::Ru, 1), Plural::One);
        assert_eq!(Plural::of(Lang::Ru, 21), Plural::One);
        assert_eq!(Plural::of(Lang::Ru, 11), Plural::Many);
        assert_eq!(Plural::of(Lang::Ru, 3), Plural::Few);
        assert_eq!(Plural::of(Lang::Ru, 13), Plural::Many);
        assert_eq!(Plural::of(Lang::Ar, 0), Plural::Zero);
        assert_eq!(Plural::of(Lang::Ar, 2), Plural::Two);
        assert_eq!(Plural::of(Lang::Ar, 7), Plural::Few);
        assert_eq!(Plural::of(Lang::Ar, 59), Plural::Many);
        assert_eq!(Plural::of(Lang::Ar, 100), Plural::Other);
        assert_eq!(Plural::of(Lang::En, 0), Plural::Other);
        assert_eq!(Lang::En.count("count.strikes", 1), "1 strike");
        assert_eq!(Lang::En.count("count.strikes", 3), "3 strikes");
        assert!(Lang::Ru.count("count.strikes", 22).starts_with("22 "));
        assert!(Lang::Ar.count("count.strikes", 12).contains("١٢"));
    }

    #[test]
    fn placeholders_are_filled_once_and_unknown_braces_stay() {
        assert_eq!(fill("{a} and {b}", &[("a", "{b}"), ("b", "x")]), "{b} and x");
        assert_eq!(fill("{unknown} {", &[]), "{unknown} {");
    }
}

//! The reader's languages: English, Arabic and Russian. UI messages (from the translator-editable JSON files in
//! `web/i18n/`), plural rules, digits, and dates formatted at their precision. Shared by the server (pages, cards,
//! API titles) and the browser app, so both say the same thing in the same words; no HTTP here.
//!
//! ```
//! use footprint::i18n::Lang;
//! use footprint::domain::DatePrecision;
//! use chrono::NaiveDate;
//!
//! let day = NaiveDate::from_ymd_opt(2024, 12, 9).unwrap();
//! assert_eq!(Lang::Ru.date(day, DatePrecision::Day), "9 декабря 2024");
//! assert_eq!(Lang::Ar.date(day, DatePrecision::Day), "٩ ديسمبر ٢٠٢٤");
//! assert_eq!(Lang::En.date(day, DatePrecision::Month), "December 2024");
//! ```

mod dates;
mod messages;

pub use messages::{Messages, Plural};

use crate::domain::Text;

/// A language Footprint is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Lang {
    /// English (the default, and the language every text has).
    #[default]
    En,
    /// Arabic (right-to-left; Arabic-Indic digits).
    Ar,
    /// Russian.
    Ru,
}

impl Lang {
    /// All languages, in the order the switch lists them.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Ar, Lang::Ru];

    /// The BCP 47 code: `en`, `ar`, `ru`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ar => "ar",
            Lang::Ru => "ru",
        }
    }

    /// The language's name in itself, for the switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ar => "العربية",
            Lang::Ru => "Русский",
        }
    }

    /// Whether the language is written right to left.
    pub fn is_rtl(self) -> bool {
        self == Lang::Ar
    }

    /// The HTML `dir` value.
    pub fn dir(self) -> &'static str {
        if self.is_rtl() { "rtl" } else { "ltr" }
    }

    /// The language of a BCP 47 tag by its primary subtag, case-insensitively: `ar-SY` and `AR` are Arabic.
    /// `None` for languages Footprint does not have.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?;
        Lang::ALL.into_iter().find(|l| l.code().eq_ignore_ascii_case(primary))
    }

    /// The UI messages.
    pub fn messages(self) -> &'static Messages {
        Messages::of(self)
    }

    /// A message by key (see [`Messages::text`]).
    pub fn t(self, key: &str) -> &'static str {
        self.messages().text(key)
    }

    /// A message with its placeholders filled (see [`Messages::format`]).
    pub fn tf(self, key: &str, args: &[(&str, &str)]) -> String {
        self.messages().format(key, args)
    }

    /// A counted message in the right plural form, `{n}` in this language's digits (see [`Messages::count`]).
    pub fn count(self, key: &str, n: u64) -> String {
        self.messages().count(key, n)
    }

    /// A number in this language's digits and decimal separator: `0.5` in English, `0,5` in Russian, `٠٫٥` in
    /// Arabic.
    pub fn number(self, n: impl std::fmt::Display) -> String {
        let latin = n.to_string();
        match self {
            Lang::En => latin,
            Lang::Ru => latin.replace('.', ","),
            Lang::Ar => latin
                .chars()
                .map(|c| match (c, c.to_digit(10)) {
                    (_, Some(d)) => char::from_u32(0x0660 + d).unwrap_or(c),
                    ('.', None) => '\u{066B}',
                    _ => c,
                })
                .collect(),
        }
    }

    /// A text in this language, or its English with `false` when there is no translation: the caller shows that
    /// it fell back (the UI marks it "in English"; the API reports the language it returned).
    pub fn pick(self, text: &Text) -> (&str, Lang) {
        let translated = match self {
            Lang::En => None,
            Lang::Ar => text.ar(),
            Lang::Ru => text.ru(),
        };
        match translated {
            Some(t) => (t, self),
            None => (&text.en, Lang::En),
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_match_by_their_primary_subtag() {
        assert_eq!(Lang::from_tag("ar-SY"), Some(Lang::Ar));
        assert_eq!(Lang::from_tag("RU"), Some(Lang::Ru));
        assert_eq!(Lang::from_tag("en_GB"), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
        assert_eq!(Lang::from_tag(""), None);
    }

    #[test]
    fn arabic_numbers_use_arabic_indic_digits() {
        assert_eq!(Lang::Ar.number(2024), "٢٠٢٤");
        assert_eq!(Lang::Ru.number(2024), "2024");
        assert_eq!(Lang::Ru.number(0.5), "0,5");
        assert_eq!(Lang::Ar.number(0.5), "٠٫٥");
    }

    #[test]
    fn a_missing_translation_falls_back_to_english_and_says_so() {
        let text = Text::new("Khmeimim", Some("حميميم".into()), None);
        assert_eq!(Lang::Ar.pick(&text), ("حميميم", Lang::Ar));
        assert_eq!(Lang::Ru.pick(&text), ("Khmeimim", Lang::En));
    }
}

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

pub use crate::domain::text::Lang;

impl Lang {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Text;

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

//! Text in the reader's languages ([`Lang`]): English always, Arabic and Russian where known. The messages in each
//! language are in [`crate::i18n`].

use compact_str::CompactString;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

/// A name or description in English (always) and, where known, Arabic and Russian.
///
/// English is stored inline (no allocation up to 24 bytes); translations, which most features lack, are boxed.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(from = "TextRepr")]
pub struct Text {
    /// English.
    pub en: CompactString,
    translations: Option<Box<Translations>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Translations {
    ar: Option<Box<str>>,
    ru: Option<Box<str>>,
}

/// A name or description in English and, where known, Arabic and Russian (the written form of [`Text`]).
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Text")]
struct TextRepr {
    /// English.
    #[schemars(with = "String", length(min = 1))]
    en: CompactString,
    /// Arabic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    ar: Option<Box<str>>,
    /// Russian.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    ru: Option<Box<str>>,
}

impl schemars::JsonSchema for Text {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        TextRepr::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        TextRepr::json_schema(generator)
    }
}

impl From<TextRepr> for Text {
    fn from(repr: TextRepr) -> Self {
        Text::new(repr.en, repr.ar, repr.ru)
    }
}

impl Text {
    /// A text with optional Arabic and Russian.
    pub fn new(en: impl Into<CompactString>, ar: Option<Box<str>>, ru: Option<Box<str>>) -> Text {
        let translations = (ar.is_some() || ru.is_some()).then(|| Box::new(Translations { ar, ru }));
        Text { en: en.into(), translations }
    }

    /// Arabic, where known.
    pub fn ar(&self) -> Option<&str> {
        self.translations.as_ref().and_then(|t| t.ar.as_deref())
    }

    /// Russian, where known.
    pub fn ru(&self) -> Option<&str> {
        self.translations.as_ref().and_then(|t| t.ru.as_deref())
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("en", &self.en)?;
        if let Some(ar) = self.ar() {
            map.serialize_entry("ar", ar)?;
        }
        if let Some(ru) = self.ru() {
            map.serialize_entry("ru", ru)?;
        }
        map.end()
    }
}

/// A language Footprint is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
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

//! Text in the reader's languages: English always, Arabic and Russian where known.

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TextRepr {
    en: CompactString,
    #[serde(default)]
    ar: Option<Box<str>>,
    #[serde(default)]
    ru: Option<Box<str>>,
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

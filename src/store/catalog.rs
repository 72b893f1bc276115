//! The catalog (`geodata/catalog.json`): which collections exist, their metadata and their files.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// A title and description in another language.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Translation {
    /// The title.
    pub title: String,
    /// The description.
    pub description: String,
}

/// The title and description in `lang`, or the English ones with [`Lang::En`] when there is no translation.
fn localized<'a>(
    title: &'a str,
    description: &'a str,
    translations: &'a BTreeMap<String, Translation>,
    lang: Lang,
) -> (&'a str, &'a str, Lang) {
    match translations.get(lang.code()) {
        Some(t) if lang != Lang::En => (&t.title, &t.description, lang),
        _ => (title, description, Lang::En),
    }
}

/// What the features of a collection are; decides which properties are required.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// One feature per status period of a site (`site_id`, `status`, `operator` required).
    SiteStatus,
    /// Reported strikes (`target`, `actor`, `attribution` required).
    Strike,
    /// Dated events.
    Event,
}

/// The dataset's catalog.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// Title of the whole dataset (the API landing page title).
    pub title: String,
    /// Description of the whole dataset.
    pub description: String,
    /// The collections, in display order.
    pub collections: Vec<CollectionMeta>,
    /// Title and description in other languages, by language code (`ar`, `ru`).
    #[serde(default)]
    pub translations: BTreeMap<String, Translation>,
}

impl Catalog {
    /// Title, description and their language, for `lang` (English when untranslated).
    pub fn localized(&self, lang: Lang) -> (&str, &str, Lang) {
        localized(&self.title, &self.description, &self.translations, lang)
    }
}

/// Metadata of one collection.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectionMeta {
    /// Identifier used in URLs (`sites`, `strikes`, `events`).
    pub id: String,
    /// The GeoJSON file, relative to the data directory.
    pub file: String,
    /// What the features are.
    pub role: Role,
    /// Human-readable title.
    pub title: String,
    /// Human-readable description.
    pub description: String,
    /// Keywords.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// SPDX licence identifier of the layer.
    pub license: String,
    /// Attribution to show wherever the layer is used.
    pub attribution: String,
    /// Title and description in other languages, by language code (`ar`, `ru`).
    #[serde(default)]
    pub translations: BTreeMap<String, Translation>,
}

impl CollectionMeta {
    /// Title, description and their language, for `lang` (English when untranslated).
    pub fn localized(&self, lang: Lang) -> (&str, &str, Lang) {
        localized(&self.title, &self.description, &self.translations, lang)
    }
}

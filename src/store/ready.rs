//! A feature kept ready to send: its GeoJSON as the items API serves it, written once when the feature is loaded or
//! published, instead of the parsed feature.
//!
//! The API's GeoJSON of a feature differs between languages only in the `title` and `title_lang` properties, which
//! come first in `properties` ([`crate::domain::record::PropertiesRecord`]). So a ready feature is the GeoJSON with
//! a hole just after `"properties":{`, and the three title fragments (`"title":"…","title_lang":"…",`) that fill it:
//! serving a feature in any language is three copies, with no serialisation. The text is about half the memory of
//! the parsed feature, and what a query returns is written out as it is stored.
//!
//! The rare paths that need the feature itself (the CSV, the editor, the curated layer file) parse it back ([`ReadyFeature::feature`]); a test checks that this gives back the feature that was written.

use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::domain::{Feature, FeatureTag, Lang, Point, Properties, Updated};

/// A feature's GeoJSON, ready to send in any language, as one block of bytes (so that it is stored and read back as
/// it is: [`super::texts`]): a header of four little-endian `u32`s (where the title goes in the text, where the
/// English and the Arabic title fragments end, the text's length), the GeoJSON without its title, then the title
/// fragments of English, Arabic and Russian one after the other.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadyFeature {
    bytes: Box<[u8]>,
}

/// The header's length.
const HEADER: usize = 16;

/// A ready feature's parts.
struct Parts<'a> {
    head: &'a [u8],
    tail: &'a [u8],
    titles: [&'a [u8]; 3],
}

/// The languages, in the order of the title fragments.
const LANGS: [Lang; 3] = [Lang::En, Lang::Ar, Lang::Ru];

/// Why a ready feature could not be made or read.
#[derive(Debug, thiserror::Error)]
#[error("feature JSON: {0}")]
pub struct ReadyError(#[from] serde_json::Error);

/// A served feature read back: the GeoJSON of [`crate::domain::Localized`] without its title (the `time` member is derived, so it
/// is skipped).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Served {
    #[serde(rename = "type")]
    kind: FeatureTag,
    id: compact_str::CompactString,
    geometry: Option<Point>,
    #[expect(dead_code, reason = "derived from start and end: read only to be skipped")]
    time: IgnoredAny,
    properties: Properties,
    #[serde(default)]
    updated: Option<Box<Updated>>,
}

/// Appends `value`'s JSON. Writing JSON into memory fails only when a value's `Serialize` reports an error, which
/// none of the domain's types do (no maps with non-string keys, no custom errors): the result is ignored, and a test
/// checks every curated feature's text against the API's own serialisation.
fn write(out: &mut Vec<u8>, value: &(impl serde::Serialize + ?Sized)) {
    let _ = serde_json::to_writer(out, value);
}

fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The parts of a ready feature's bytes.
fn parts(bytes: &[u8]) -> Option<Parts<'_>> {
    let field = |i: usize| -> Option<usize> {
        let field: [u8; 4] = bytes.get(i * 4..i * 4 + 4)?.try_into().ok()?;
        usize::try_from(u32::from_le_bytes(field)).ok()
    };
    let (hole, en, ar, text_len) = (field(0)?, field(1)?, field(2)?, field(3)?);
    let text = bytes.get(HEADER..HEADER.checked_add(text_len)?)?;
    let titles = bytes.get(HEADER + text_len..)?;
    Some(Parts {
        head: text.get(..hole)?,
        tail: text.get(hole..)?,
        titles: [titles.get(..en)?, titles.get(en..ar)?, titles.get(ar..)?],
    })
}

impl ReadyFeature {
    /// `feature`, written as the API serves it.
    pub fn new(feature: &Feature) -> ReadyFeature {
        let mut text = Vec::with_capacity(2048);
        text.extend_from_slice(br#"{"type":"Feature","id":"#);
        write(&mut text, &feature.id);
        text.extend_from_slice(br#","geometry":"#);
        write(&mut text, &feature.geometry);
        text.extend_from_slice(br#","time":"#);
        write(&mut text, &feature.time_member());
        text.extend_from_slice(br#","properties":{"#);
        let hole = offset(text.len());
        // The properties without a title, minus their opening brace (the name always follows, so the title's
        // trailing comma is always right).
        let mut properties = Vec::with_capacity(2048);
        write(&mut properties, &feature.properties.record(None));
        text.extend_from_slice(properties.get(1..).unwrap_or_default());
        if let Some(updated) = &feature.updated {
            text.extend_from_slice(br#","updated":"#);
            write(&mut text, updated);
        }
        text.push(b'}');
        let mut titles = Vec::with_capacity(192);
        let mut title_ends = [0; 2];
        for (i, lang) in LANGS.into_iter().enumerate() {
            let (title, title_lang) = lang.pick(&feature.properties.name);
            titles.extend_from_slice(br#""title":"#);
            write(&mut titles, &title);
            titles.extend_from_slice(br#","title_lang":"#);
            write(&mut titles, &title_lang);
            titles.push(b',');
            if let Some(end) = title_ends.get_mut(i) {
                *end = offset(titles.len());
            }
        }
        let mut bytes = Vec::with_capacity(HEADER + text.len() + titles.len());
        for field in [hole, title_ends[0], title_ends[1], offset(text.len())] {
            bytes.extend_from_slice(&field.to_le_bytes());
        }
        bytes.extend_from_slice(&text);
        bytes.extend_from_slice(&titles);
        ReadyFeature { bytes: bytes.into_boxed_slice() }
    }

    /// A ready feature from the bytes of [`ReadyFeature::as_bytes`], if they are well formed.
    pub fn from_bytes(bytes: Box<[u8]>) -> Option<ReadyFeature> {
        let ready = ReadyFeature { bytes };
        ready.parts()?;
        Some(ready)
    }

    /// The block of bytes it is.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    fn parts(&self) -> Option<Parts<'_>> {
        parts(&self.bytes)
    }

    /// Appends the feature's GeoJSON for a reader of `lang` (the bytes of [`crate::domain::Localized`]).
    pub fn write(&self, lang: Lang, out: &mut Vec<u8>) {
        ReadyFeature::write_bytes(&self.bytes, lang, out);
    }

    /// What [`ReadyFeature::write`] appends, from a ready feature's bytes as they are stored (read into a buffer
    /// of the caller's); `false` if they are not well formed (nothing is appended then).
    pub fn write_bytes(bytes: &[u8], lang: Lang, out: &mut Vec<u8>) -> bool {
        let Some(parts) = parts(bytes) else { return false };
        let [en, ar, ru] = parts.titles;
        let title = match lang {
            Lang::En => en,
            Lang::Ar => ar,
            Lang::Ru => ru,
        };
        out.extend_from_slice(parts.head);
        out.extend_from_slice(title);
        out.extend_from_slice(parts.tail);
        true
    }

    /// The GeoJSON without its title (what the layer's digest is computed over).
    pub fn text(&self) -> &[u8] {
        self.parts().map_or(&[], |p| {
            let len = p.head.len() + p.tail.len();
            self.bytes.get(HEADER..HEADER + len).unwrap_or_default()
        })
    }

    /// The feature itself, parsed back.
    pub fn feature(&self) -> Result<Feature, ReadyError> {
        let served: Served = serde_json::from_slice(self.text())?;
        Ok(Feature {
            kind: served.kind,
            id: served.id,
            geometry: served.geometry,
            properties: served.properties,
            updated: served.updated,
        })
    }

    /// The bytes it holds.
    pub fn size(&self) -> usize {
        self.bytes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Localized;
    use crate::store::{Dataset, Embedded, FeatureProvider as _};

    #[test]
    fn a_ready_feature_is_byte_for_byte_what_the_api_wrote_in_every_language_and_reads_back_the_same() {
        let data = Dataset::load(&Embedded).unwrap_or_else(|e| panic!("{e}"));
        let mut checked = 0;
        for collection in &data.collections {
            for feature in collection.read_all() {
                let mut feature = feature;
                if checked % 5 == 0 {
                    feature.updated = Some(Box::new(Updated { at: chrono::Utc::now(), reason: "a \"fix\"".into() }));
                }
                let ready = ReadyFeature::new(&feature);
                for lang in LANGS {
                    let mut written = Vec::new();
                    ready.write(lang, &mut written);
                    let expected =
                        serde_json::to_vec(&Localized { feature: &feature, lang }).unwrap_or_else(|e| panic!("{e}"));
                    assert_eq!(String::from_utf8_lossy(&written), String::from_utf8_lossy(&expected), "{lang:?}");
                }
                assert_eq!(ready.feature().unwrap_or_else(|e| panic!("{}: {e}", feature.id)), feature);
                checked += 1;
            }
        }
        assert!(checked > 50, "{checked}");
    }

    #[test]
    fn a_point_with_every_digit_reads_back_to_the_same_bits() {
        let data = Dataset::load(&Embedded).unwrap_or_else(|e| panic!("{e}"));
        let strikes = data.collections.iter().find(|c| c.meta.id == "strikes").map(|c| c.read_all());
        let mut feature = strikes.and_then(|s| s.into_iter().next()).unwrap_or_else(|| panic!("a strike"));
        for (lon, lat) in [(36.123_456_789_012_34, 33.987_654_321_098_76), (35.000_000_000_000_01, 32.1 + 0.2)] {
            feature.geometry = Some(Point { lon, lat });
            let back = ReadyFeature::new(&feature).feature().unwrap_or_else(|e| panic!("{e}"));
            let point = back.geometry.unwrap_or_else(|| panic!("a point"));
            assert_eq!((point.lon.to_bits(), point.lat.to_bits()), (lon.to_bits(), lat.to_bits()));
        }
    }
}

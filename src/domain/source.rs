//! Who said what, according to which page: sources, the stances parties took on a claim, and reported figures
//! kept as ranges.

use std::sync::Arc;

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use super::time::PartialDate;

/// How a party stands to a claim: who claimed, reported, attributed, confirmed or denied it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Stance {
    /// The actor itself claimed it.
    Claimed,
    /// A medium reported it.
    Reported,
    /// A third party attributed it to the actor.
    Attributed,
    /// The actor or an authority confirmed it.
    Confirmed,
    /// Someone denied it.
    Denied,
    /// Responsibility unclear at the time.
    Unconfirmed,
}

names_of_all!(Stance, 6);

impl Stance {
    /// Every value, in order.
    pub const ALL: [Stance; 6] =
        [Self::Claimed, Self::Reported, Self::Attributed, Self::Confirmed, Self::Denied, Self::Unconfirmed];

    /// The lowercase name used in data.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Claimed => "claimed",
            Self::Reported => "reported",
            Self::Attributed => "attributed",
            Self::Confirmed => "confirmed",
            Self::Denied => "denied",
            Self::Unconfirmed => "unconfirmed",
        }
    }
}

/// One attributed claim: `by` took `stance`, according to `sources[source]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// The stance taken.
    pub stance: Stance,
    /// Who took it.
    #[schemars(length(min = 1))]
    pub by: Box<str>,
    /// Index into the feature's `sources`.
    pub source: u16,
}

/// A reported figure and who reported it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// The figure.
    pub count: u32,
    /// Who gave it.
    #[schemars(length(min = 1))]
    pub by: Box<str>,
    /// Index into the feature's `sources`.
    pub source: u16,
}

/// Conflicting figures kept as a range, with every report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Range {
    /// Lowest reported figure.
    pub min: u32,
    /// Highest reported figure.
    pub max: u32,
    /// Every report.
    #[schemars(length(min = 1))]
    pub reports: Box<[Report]>,
}

/// Reported casualties.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Casualties {
    /// People reported killed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub killed: Option<Range>,
    /// People reported injured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub injured: Option<Range>,
}

/// A source: who published what, where, when.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(from = "SourceRepr")]
pub struct Source {
    /// The outlet whose page `url` is.
    pub publisher: Arc<str>,
    /// Address of the page.
    pub url: Box<str>,
    /// Publication date, as precise as known; `None` = not recorded.
    pub date: Option<PartialDate>,
    extra: Option<Box<SourceExtra>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct SourceExtra {
    via: Option<Box<str>>,
    quote: Option<Box<str>>,
}

/// A page a feature rests on: who published it, where, when (the written form of [`Source`]).
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Source")]
struct SourceRepr {
    /// The outlet whose page `url` is.
    #[schemars(length(min = 1))]
    publisher: Arc<str>,
    /// The wire service or original outlet the page cites.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    via: Option<Box<str>>,
    /// The page's address.
    #[schemars(regex(pattern = "^https?://"))]
    url: Box<str>,
    /// Publication date, as precise as known; null = not recorded.
    date: Option<PartialDate>,
    /// The passage relied on, verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    quote: Option<Box<str>>,
}

impl schemars::JsonSchema for Source {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        SourceRepr::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        SourceRepr::json_schema(generator)
    }
}

impl From<SourceRepr> for Source {
    fn from(r: SourceRepr) -> Self {
        Source::new(r.publisher, r.url, r.date, r.via, r.quote)
    }
}

impl Source {
    /// A source; `via` is the wire service the page cites, `quote` the passage relied on.
    pub fn new(
        publisher: Arc<str>,
        url: Box<str>,
        date: Option<PartialDate>,
        via: Option<Box<str>>,
        quote: Option<Box<str>>,
    ) -> Source {
        let extra = (via.is_some() || quote.is_some()).then(|| Box::new(SourceExtra { via, quote }));
        Source { publisher, url, date, extra }
    }

    /// The wire service or original outlet the page cites.
    pub fn via(&self) -> Option<&str> {
        self.extra.as_ref().and_then(|e| e.via.as_deref())
    }

    /// The passage relied on, verbatim.
    pub fn quote(&self) -> Option<&str> {
        self.extra.as_ref().and_then(|e| e.quote.as_deref())
    }
}

impl Serialize for Source {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("publisher", &self.publisher)?;
        if let Some(via) = self.via() {
            map.serialize_entry("via", via)?;
        }
        map.serialize_entry("url", &self.url)?;
        map.serialize_entry("date", &self.date)?;
        if let Some(quote) = self.quote() {
            map.serialize_entry("quote", quote)?;
        }
        map.end()
    }
}

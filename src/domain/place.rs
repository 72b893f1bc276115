//! Where a feature is said to be: the country of its place, as an ISO 3166-1 alpha-2 code.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An ISO 3166-1 alpha-2 country code (`SY`, `RU`): two upper-case ASCII letters.
///
/// ```
/// use footprint::domain::Country;
/// let syria: Country = "SY".parse().unwrap();
/// assert_eq!(syria, Country::SYRIA);
/// assert!("sy".parse::<Country>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Country([u8; 2]);

impl Country {
    /// Syria, where every site and strike of the dataset is.
    pub const SYRIA: Country = Country(*b"SY");

    /// The two-letter code.
    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII upper-case letters (checked on construction).
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl schemars::JsonSchema for Country {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Country".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166-1 alpha-2 code"})
    }
}

/// A country code that is not two upper-case letters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an ISO 3166-1 alpha-2 country code (two upper-case letters, e.g. `SY`)")]
pub struct CountryError(String);

impl std::str::FromStr for Country {
    type Err = CountryError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        match raw.as_bytes() {
            &[a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => Ok(Country([a, b])),
            _ => Err(CountryError(raw.to_owned())),
        }
    }
}

impl TryFrom<String> for Country {
    type Error = CountryError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        raw.parse()
    }
}

impl From<Country> for String {
    fn from(country: Country) -> String {
        country.as_str().to_owned()
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

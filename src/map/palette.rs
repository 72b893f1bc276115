//! The map's colours and status letters: one definition for the web map (its MapLibre style, legend and text view)
//! and the static image. A status's label is its UI message `status.<name>` in the reader's language.
//!
//! Colour is never the only signal: each status also has a letter, and the letters differ.
//!
//! ```
//! use footprint::domain::Status;
//! use footprint::map::palette;
//!
//! assert_eq!(palette::status_colour(Status::RussianOperated).hex(), "#b2182b");
//! assert_eq!(palette::status_letter(Status::Withdrawn), "X");
//! ```

use std::fmt::Write as _;

use crate::domain::Status;

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Colour(pub u8, pub u8, pub u8);

impl Colour {
    /// `#rrggbb`.
    pub fn hex(self) -> String {
        let mut out = String::from("#");
        for channel in [self.0, self.1, self.2] {
            let _ = write!(out, "{channel:02x}");
        }
        out
    }
}

/// Strikes (dots, rings and clusters).
pub const STRIKE: Colour = Colour(0xc5, 0x1b, 0x7d);
/// Events.
pub const EVENT: Colour = Colour(0x21, 0x66, 0xac);
/// A site period without a known status.
pub const NO_STATUS: Colour = Colour(0x99, 0x99, 0x99);

/// The colour of a site in this status.
pub fn status_colour(status: Status) -> Colour {
    match status {
        Status::RussianOperated => Colour(0xb2, 0x18, 0x2b),
        Status::RussianUseReported => Colour(0xc0, 0x39, 0x2b),
        Status::DrawdownReported => Colour(0xa4, 0x54, 0x0b),
        Status::WithdrawalUnderWay => Colour(0x6a, 0x5a, 0x9c),
        Status::Withdrawn => Colour(0x4d, 0x4d, 0x4d),
        Status::WithdrawalClaimed => Colour(0x6b, 0x6b, 0x6b),
    }
}

/// The letter drawn on a site in this status.
pub fn status_letter(status: Status) -> &'static str {
    match status {
        Status::RussianOperated => "R",
        Status::RussianUseReported => "U",
        Status::DrawdownReported => "D",
        Status::WithdrawalUnderWay => "W",
        Status::Withdrawn => "X",
        Status::WithdrawalClaimed => "?",
    }
}

/// The UI message key of this status's label (`status.russian-operated`).
pub fn status_label_key(status: Status) -> String {
    format!("status.{}", status.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_its_own_letter_and_a_label_in_every_language() {
        let letters: std::collections::BTreeSet<&str> = Status::ALL.iter().map(|&s| status_letter(s)).collect();
        assert_eq!(letters.len(), Status::ALL.len(), "letters tell statuses apart without colour");
        for lang in crate::i18n::Lang::ALL {
            for status in Status::ALL {
                let key = status_label_key(status);
                assert!(lang.messages().lookup(&key).is_some(), "{lang}: no label for {key}");
            }
        }
    }
}

//! The timeline's menus in a reader's language: the speed and window options and the mode's value. The pages'
//! first paint (`parts/timeline.html`) and the web app fill the same menus from here.

use serde::Serialize;

use super::state::{Mode, SPEEDS, WINDOWS};
use crate::i18n::Lang;

/// A menu option: its value and its label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MenuOption {
    /// The `value` attribute.
    pub value: String,
    /// The text shown.
    pub label: String,
}

/// The speed menu's options: "0.5×" to "8×", in the reader's digits.
pub fn speed_options(lang: Lang) -> Vec<MenuOption> {
    SPEEDS.iter().map(|s| MenuOption { value: s.to_string(), label: format!("{}×", lang.number(s)) }).collect()
}

/// The window menu's option for a window of `days` days ("30 days").
pub fn window_option(days: u16, lang: Lang) -> MenuOption {
    MenuOption { value: days.to_string(), label: lang.count("window.days", u64::from(days)) }
}

/// The window menu's options: the usual windows.
pub fn window_options(lang: Lang) -> Vec<MenuOption> {
    WINDOWS.iter().map(|&days| window_option(days, lang)).collect()
}

/// The mode menu's value for a mode.
pub fn mode_value(mode: Mode) -> &'static str {
    match mode {
        Mode::Window => "window",
        Mode::Cumulative => "cumulative",
    }
}

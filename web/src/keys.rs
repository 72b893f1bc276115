//! What the keyboard does beyond the browser's own keys: Shift with an arrow on the timeline slider steps a week,
//! Space plays and pauses (where it has no meaning of its own), and Escape closes the detail panel.

/// Days a key steps the timeline slider by, when the browser's own step (a day) is not what it does: a week with
/// Shift and an arrow (right and up forward, left and down back).
pub fn scrubber_step(key: &str, shift: bool) -> Option<i32> {
    if !shift {
        return None;
    }
    match key {
        "ArrowRight" | "ArrowUp" => Some(7),
        "ArrowLeft" | "ArrowDown" => Some(-7),
        _ => None,
    }
}

/// Whether Space on this target plays and pauses: on the page itself, the map and the timeline slider (given by
/// the element's tag name and id; none when the target is not an element). On any other element Space keeps its
/// own meaning (pressing a button, scrolling the panel).
pub fn space_plays(target: Option<(&str, &str)>) -> bool {
    target.is_none_or(|(tag, id)| matches!(tag, "BODY" | "HTML") || id == "map" || id == "scrubber")
}

/// Whether a key closes the detail panel: Escape, when a feature is selected and the Embed dialog (which Escape
/// closes itself) is not open.
pub fn closes_panel(key: &str, dialog_open: bool, selected: bool) -> bool {
    key == "Escape" && !dialog_open && selected
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_and_an_arrow_step_the_slider_a_week() {
        assert_eq!(scrubber_step("ArrowRight", true), Some(7));
        assert_eq!(scrubber_step("ArrowUp", true), Some(7));
        assert_eq!(scrubber_step("ArrowLeft", true), Some(-7));
        assert_eq!(scrubber_step("ArrowDown", true), Some(-7));
        assert_eq!(scrubber_step("ArrowRight", false), None, "without Shift the browser steps a day");
        assert_eq!(scrubber_step("Home", true), None);
    }

    #[test]
    fn space_plays_on_the_page_the_map_and_the_slider_only() {
        assert!(space_plays(None));
        assert!(space_plays(Some(("BODY", ""))));
        assert!(space_plays(Some(("HTML", ""))));
        assert!(space_plays(Some(("DIV", "map"))));
        assert!(space_plays(Some(("INPUT", "scrubber"))));
        assert!(!space_plays(Some(("BUTTON", "forward-day"))), "Space presses a button");
        assert!(!space_plays(Some(("ASIDE", "panel"))));
    }

    #[test]
    fn escape_closes_the_panel_unless_the_embed_dialog_is_open() {
        assert!(closes_panel("Escape", false, true));
        assert!(!closes_panel("Escape", true, true), "Escape closes the dialog first");
        assert!(!closes_panel("Escape", false, false), "nothing to close");
        assert!(!closes_panel("Enter", false, true));
    }
}

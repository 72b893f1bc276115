//! How the text view's list changes from one state to the next with few DOM changes: a step of the timeline slides
//! the window by a day, so most entries stay and only those that enter or leave the window are built or removed.

use crate::text::EntryRow;

/// An edit turning the list of `old` entries into the list of `new` ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListEdit {
    /// Drop the first `drop` entries and append `new[append_from..]` (the window moved forward; nothing to do when
    /// both are zero-length changes).
    Forward {
        /// Entries removed from the front.
        drop: usize,
        /// The first new entry to append.
        append_from: usize,
    },
    /// Drop the last `drop` entries and put `new[..prepend]` in front (the window moved back).
    Backward {
        /// Entries removed from the end.
        drop: usize,
        /// How many new entries go in front.
        prepend: usize,
    },
    /// Nothing in common: build the list again.
    Rebuild,
}

/// The edit with the fewest changes that keeps the entries `old` and `new` share as a run (a suffix of one being a
/// prefix of the other).
pub fn list_edit(old: &[EntryRow], new: &[EntryRow]) -> ListEdit {
    // Forward: the longest suffix of `old` that is a prefix of `new`.
    let forward = (0..=old.len()).find(|&k| {
        let kept = old.len() - k;
        kept <= new.len() && old[k..] == new[..kept]
    });
    // Backward: the longest prefix of `old` that is a suffix of `new`.
    let backward = (0..=new.len()).find(|&j| {
        let kept = new.len() - j;
        kept <= old.len() && new[j..] == old[..kept]
    });
    let kept_forward = forward.map_or(0, |k| old.len() - k);
    let kept_backward = backward.map_or(0, |j| new.len() - j);
    match (forward, backward) {
        (Some(k), _) if kept_forward > 0 && kept_forward >= kept_backward => {
            ListEdit::Forward { drop: k, append_from: kept_forward }
        }
        (_, Some(j)) if kept_backward > 0 => ListEdit::Backward { drop: old.len() - kept_backward, prepend: j },
        _ => ListEdit::Rebuild,
    }
}

#[cfg(test)]
mod tests {
    use footprint::i18n::Lang;

    use super::*;
    use crate::model::Layer;
    use crate::text::Said;

    fn rows(ids: &[u32]) -> Vec<EntryRow> {
        ids.iter()
            .map(|i| EntryRow {
                layer: Layer::Strikes,
                id: format!("s{i}"),
                when: format!("day {i}"),
                kind: "strike".into(),
                name: Said { text: format!("Strike {i}"), lang: Lang::En },
                unlocated: false,
            })
            .collect()
    }

    #[test]
    fn a_step_forward_drops_the_entries_that_left_and_appends_those_that_came() {
        assert_eq!(list_edit(&rows(&[1, 2, 3, 4]), &rows(&[3, 4, 5])), ListEdit::Forward { drop: 2, append_from: 2 });
        assert_eq!(list_edit(&rows(&[1, 2]), &rows(&[1, 2, 3])), ListEdit::Forward { drop: 0, append_from: 2 });
    }

    #[test]
    fn a_step_back_drops_the_last_entries_and_puts_earlier_ones_in_front() {
        assert_eq!(list_edit(&rows(&[3, 4, 5]), &rows(&[1, 2, 3, 4])), ListEdit::Backward { drop: 1, prepend: 2 });
        assert_eq!(list_edit(&rows(&[1, 2, 3]), &rows(&[1, 2])), ListEdit::Backward { drop: 1, prepend: 0 });
    }

    #[test]
    fn the_same_list_needs_nothing_and_unrelated_lists_are_rebuilt() {
        assert_eq!(list_edit(&rows(&[1, 2]), &rows(&[1, 2])), ListEdit::Forward { drop: 0, append_from: 2 });
        assert_eq!(list_edit(&rows(&[1, 2]), &rows(&[7, 8])), ListEdit::Rebuild);
        assert_eq!(list_edit(&rows(&[]), &rows(&[7, 8])), ListEdit::Rebuild);
        assert_eq!(list_edit(&rows(&[1, 2]), &rows(&[])), ListEdit::Rebuild);
    }

    #[test]
    fn an_entry_that_changed_in_place_has_the_list_rebuilt() {
        let mut changed = rows(&[1, 2, 3]);
        changed[1].name.text = "Renamed".into();
        assert_eq!(list_edit(&rows(&[1, 2, 3]), &changed), ListEdit::Rebuild);
    }
}

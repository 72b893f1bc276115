//! Date rules: start and end agree with their precision, and a day claims no more than the sources give.
//!
//! A day-precision date must be backed by a source dated to a day on or after it (a report cannot give a day
//! before it was published). A day taken from a report's publication date says so (`date_basis: publication`) and
//! must equal that source's date. An approximate day ("~20 Jan") is month precision or an interval, never a day.

use super::Findings;
use crate::domain::{DateBasis, DatePrecision, Feature};
use crate::store::catalog::Role;

/// Checks the dates of one feature; `time` is the JSON-FG member the file gave, if any.
pub(super) fn check(feature: &Feature, time: Option<&serde_json::Value>, role: Role, out: &mut Findings<'_>) {
    let id = Some(feature.id.as_str());
    let p = &feature.properties;
    if !p.start_precision.is_valid_start(p.start) {
        out.add(
            id,
            "properties.start",
            format!(
                "{start} is not the first day of its {precision}: a {precision}-precision start must be",
                start = p.start,
                precision = p.start_precision
            ),
        );
    }
    match (p.end, p.end_precision) {
        (Some(end), Some(precision)) => {
            if end < p.start {
                out.add(id, "properties.end", format!("{end} is before the start {}", p.start));
            }
            if !precision.is_valid_end(end) {
                out.add(id, "properties.end", format!("{end} is not the last day of its {precision}"));
            }
        }
        (Some(_), None) => out.add(id, "properties.end_precision", "is required when end is given"),
        (None, Some(_)) => out.add(id, "properties.end_precision", "must be null when end is null (open)"),
        (None, None) => {}
    }
    if let Some(time) = time {
        let expected = serde_json::to_value(feature.time_member()).unwrap_or_default();
        if *time != expected {
            out.add(id, "time", format!("{time} disagrees with start/end (expected {expected})"));
        }
    }
    check_days_are_sourced(feature, role, out);
}

/// The day-precision dates of a source list, as days.
fn dated_days(feature: &Feature) -> impl Iterator<Item = chrono::NaiveDate> + '_ {
    feature
        .properties
        .sources
        .iter()
        .filter_map(|s| s.date)
        .filter(|d| d.precision == DatePrecision::Day)
        .map(|d| d.first)
}

fn check_days_are_sourced(feature: &Feature, role: Role, out: &mut Findings<'_>) {
    let id = Some(feature.id.as_str());
    let p = &feature.properties;
    match p.date_basis {
        DateBasis::Publication => {
            if p.start_precision != DatePrecision::Day {
                out.add(
                    id,
                    "properties.date_basis",
                    "`publication` dates a feature to a day: start_precision must be `day`",
                );
            } else if !dated_days(feature).any(|day| day == p.start) {
                out.add(
                    id,
                    "properties.date_basis",
                    format!("is `publication` but no source is dated {}: the start must be a report's date", p.start),
                );
            }
        }
        DateBasis::Event => {
            if p.start_precision == DatePrecision::Day && !dated_days(feature).any(|day| day >= p.start) {
                out.add(
                    id,
                    "properties.start_precision",
                    format!(
                        "is `day`, but no source is dated to a day on or after {}: date a source, use month precision, \
                         or say `date_basis: publication`",
                        p.start
                    ),
                );
            }
        }
    }
    // A site period's end is often only "the day before the next reported change", which its notes say; strikes
    // and events end on a reported day.
    if let (Some(end), Some(DatePrecision::Day), Role::Strike | Role::Event) = (p.end, p.end_precision, role)
        && end != p.start
        && !dated_days(feature).any(|day| day >= end)
    {
        out.add(
            id,
            "properties.end_precision",
            format!(
                "is `day`, but no source is dated to a day on or after the end {end}: a report cannot give a later day"
            ),
        );
    }
    if p.start_precision == DatePrecision::Day {
        let d = p.details();
        let texts = std::iter::once(p.name.en.as_str()).chain(d.description.as_ref().map(|t| t.en.as_str()));
        if texts.into_iter().any(approximate_day) {
            out.add(
                id,
                "properties.start_precision",
                "is `day`, but the name or description gives an approximate day (`~`): use month precision or an \
                 interval of the possible days",
            );
        }
    }
}

/// English month names, as a day's month is written in names and descriptions (`20 Jan`, `20 January`).
const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/// Whether a text gives an approximate day such as `~20 Jan` (a tilde before a day and a month name; `~40 killed`
/// or `~2 km` are approximate figures, not days).
fn approximate_day(text: &str) -> bool {
    text.match_indices('~').any(|(at, _)| {
        let rest = text[at + 1..].trim_start();
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let month = rest[digits..].trim_start().get(..3).map(str::to_ascii_lowercase);
        (1..=2).contains(&digits) && month.is_some_and(|m| MONTHS.contains(&m.as_str()))
    })
}

#[cfg(test)]
mod tests {
    use super::approximate_day;

    #[test]
    fn a_tilde_before_a_number_marks_an_approximate_day() {
        assert!(approximate_day("withdrawal began ~20 Jan 2026"));
        assert!(approximate_day("withdrawal began ~ 3 March"));
        assert!(!approximate_day("withdrawal began on 20 Jan 2026"));
        assert!(!approximate_day("~40 killed, ~2 km north of the town"));
    }
}

//! Rows of an ACLED export (CSV, ACLED's column names) as features of the strikes layer, each with the line it
//! came from; a row that cannot be one is kept with its problems. `geodata/METHODOLOGY.md` ("Imports from ACLED")
//! says how each column is read, and why.
//!
//! - The id is `acled-` and ACLED's `event_id_cnty`, lower-cased: a second import of the same file finds the
//!   same features.
//! - `time_precision` 1 is the day; 2 (a week, coded to its middle) becomes the seven days around it; 3 becomes the
//!   month and those seven days together (the stored references disagree on what 3 means: the span covers both).
//! - `geo_precision` 1 is the town, 2 the district (part of a region, or near a town), 3 the governorate.
//! - ACLED is the source (its named sources have no addresses): one source, ACLED's export tool, `via` the outlets
//!   ACLED names, dated by the row's `timestamp`; attributed `reported` by ACLED. Confidence is `low` until an
//!   editor checks the outlets' own reports.

use chrono::{Datelike as _, Duration, NaiveDate};
use serde_json::{Map, Value, json};

use super::batch::Incoming;
use super::check::Problem;

/// The page every imported row cites.
pub const ACLED_URL: &str = "https://acleddata.com/data-export-tool/";
/// The publisher name in `publishers.json`.
pub const ACLED_PUBLISHER: &str = "ACLED";
/// The most rows one import takes.
pub const MAX_ROWS: usize = 20_000;

/// ACLED's sub-event types that are strikes, and the kind each becomes.
const KINDS: [(&str, &str); 2] = [("Air/drone strike", "airstrike"), ("Shelling/artillery/missile attack", "shelling")];

/// The columns a row must have.
const REQUIRED: [&str; 7] =
    ["event_id_cnty", "event_date", "sub_event_type", "country", "latitude", "longitude", "geo_precision"];

/// Reads an ACLED CSV export: one [`Incoming`] per row, in order.
pub fn rows(csv_bytes: &[u8], file: &str) -> Result<Vec<Incoming>, Problem> {
    let problem = |line: u64, field: &str, message: String| Problem {
        file: file.to_owned(),
        feature: Some(format!("line {line}")),
        field: field.to_owned(),
        message,
    };
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(csv_bytes);
    let headers = reader.headers().map_err(|e| problem(1, "-", format!("not a CSV file: {e}")))?.clone();
    let column = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    if let Some(missing) = REQUIRED.iter().find(|name| column(name).is_none()) {
        return Err(problem(1, missing, format!("the header has no `{missing}` column: is this an ACLED export?")));
    }
    let mut out = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                let line = err.position().map_or(0, csv::Position::line);
                out.push(Incoming { line, id: None, feature: Err(vec![problem(line, "-", err.to_string())]) });
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        if out.len() >= MAX_ROWS {
            return Err(problem(line, "-", format!("more than {MAX_ROWS} rows: split the file")));
        }
        let row = Row { headers: &headers, record: &record };
        let id = Some(format!("acled-{}", row.get("event_id_cnty").to_ascii_lowercase()))
            .filter(|id| id.len() > "acled-".len());
        let feature = feature(&row).map_err(|(field, message)| vec![problem(line, field, message)]);
        out.push(Incoming { line, id, feature });
    }
    Ok(out)
}

/// One CSV row with its header.
struct Row<'a> {
    headers: &'a csv::StringRecord,
    record: &'a csv::StringRecord,
}

impl<'a> Row<'a> {
    /// The trimmed value of a column, empty when the row has no such column.
    fn get(&self, name: &str) -> &'a str {
        self.headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
            .and_then(|i| self.record.get(i))
            .map_or("", str::trim)
    }
}

/// The feature of one row, or the first column that stops it.
fn feature(row: &Row<'_>) -> Result<Value, (&'static str, String)> {
    let get = |name: &str| row.get(name);
    let event = get("event_id_cnty");
    let valid_id = !event.is_empty() && event.len() <= 50 && event.chars().all(|c| c.is_ascii_alphanumeric());
    if !valid_id {
        return Err(("event_id_cnty", format!("`{event}` is not an ACLED event id (letters and digits)")));
    }
    let sub_event = get("sub_event_type");
    let kind = KINDS.iter().find(|(name, _)| name.eq_ignore_ascii_case(sub_event)).map(|(_, kind)| *kind).ok_or_else(
        || {
            ("sub_event_type", format!("`{sub_event}` is not a strike: this layer takes Air/drone strike and Shelling/artillery/missile attack"))
        },
    )?;
    if !get("country").eq_ignore_ascii_case("Syria") {
        return Err(("country", format!("`{}`: the strikes layer is strikes in Syria", get("country"))));
    }
    let day = parse_day(get("event_date")).ok_or_else(|| {
        ("event_date", format!("`{}` is not a date (2024-12-08, 08 December 2024 or 08-12-2024)", get("event_date")))
    })?;
    let (start, start_precision, end, end_precision) = match get("time_precision") {
        "" | "1" => (day, "day", day, "day"),
        "2" => (day - Duration::days(3), "day", day + Duration::days(3), "day"),
        "3" => {
            // The stored codebooks disagree: the month, or the middle of a week. The span covers both readings;
            // an end that is the month's own is at month precision, one beyond it at day precision.
            let first = day.with_day(1).unwrap_or(day);
            let last = first.checked_add_months(chrono::Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(first);
            let (start, end) = (first.min(day - Duration::days(3)), last.max(day + Duration::days(3)));
            let precision = |date: NaiveDate, edge: NaiveDate| if date == edge { "month" } else { "day" };
            (start, precision(start, first), end, precision(end, last))
        }
        other => return Err(("time_precision", format!("`{other}` is not an ACLED time precision (1, 2 or 3)"))),
    };
    let coordinate = |name: &'static str, range: f64| {
        get(name)
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && v.abs() <= range)
            .ok_or_else(|| (name, format!("`{}` is not a {name}", get(name))))
    };
    let (lat, lon) = (coordinate("latitude", 90.0)?, coordinate("longitude", 180.0)?);
    let location_precision = match get("geo_precision") {
        "1" => "town",
        "2" => "district",
        "3" => "governorate",
        other => return Err(("geo_precision", format!("`{other}` is not an ACLED geo precision (1, 2 or 3)"))),
    };
    let published = match get("timestamp") {
        "" => None,
        t => Some(
            t.parse::<i64>()
                .ok()
                .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
                .map(|t| t.date_naive())
                .ok_or_else(|| ("timestamp", format!("`{t}` is not a Unix time")))?,
        ),
    };
    let place: Vec<&str> =
        ["location", "admin3", "admin2", "admin1"].iter().map(|c| get(c)).filter(|v| !v.is_empty()).collect();
    let mut place_names = place.clone();
    place_names.dedup();
    let outlets = get("source");
    let mut source = Map::new();
    source.insert("publisher".into(), json!(ACLED_PUBLISHER));
    if !outlets.is_empty() {
        source.insert("via".into(), json!(outlets));
    }
    source.insert("url".into(), json!(ACLED_URL));
    if let Some(published) = published {
        source.insert("date".into(), json!(published.to_string()));
    }
    if !get("notes").is_empty() {
        source.insert("quote".into(), json!(get("notes")));
    }
    let mut notes = vec![format!(
        "Imported from ACLED event {event} ({}; ACLED names its sources as: {}). Not yet checked against those outlets' own reports.",
        get("event_type").trim(),
        if outlets.is_empty() { "none" } else { outlets }
    )];
    if get("time_precision") == "2" {
        notes.push(format!("ACLED knows only the week: coded to {day}, so the seven days around it are given."));
    }
    let mut properties = Map::new();
    properties.insert("name".into(), json!({ "en": format!("{sub_event}: {}", place_names.join(", ")) }));
    if !get("notes").is_empty() {
        properties.insert("description".into(), json!({ "en": get("notes") }));
    }
    properties.insert("kind".into(), json!(kind));
    properties.insert("start".into(), json!(start.to_string()));
    properties.insert("start_precision".into(), json!(start_precision));
    properties.insert("end".into(), json!(end.to_string()));
    properties.insert("end_precision".into(), json!(end_precision));
    properties.insert("location_precision".into(), json!(location_precision));
    properties.insert(
        "location_note".into(),
        json!(format!("ACLED's coordinates for {} (geo_precision {})", place.join(", "), get("geo_precision"))),
    );
    properties.insert("confidence".into(), json!("low"));
    if !get("actor1").is_empty() {
        properties.insert("actor".into(), json!(get("actor1")));
    }
    // ACLED's second actor is the other side (often who was hit); without one, the target is not named.
    let target = match get("actor2") {
        "" => format!("not named by ACLED (at {})", get("location")),
        other => format!("{other} (ACLED's second actor)"),
    };
    properties.insert("target".into(), json!(target));
    let by = if outlets.is_empty() { "ACLED".to_owned() } else { format!("ACLED, citing {outlets}") };
    properties.insert("attribution".into(), json!([{ "stance": "reported", "by": by, "source": 0 }]));
    match get("fatalities").parse::<u32>() {
        Ok(0) | Err(_) if get("fatalities").is_empty() => {}
        Ok(0) => notes.push("ACLED records no fatalities (0 can also mean none were reported).".into()),
        Ok(n) => {
            properties.insert(
                "casualties".into(),
                json!({ "killed": { "min": n, "max": n, "reports": [{ "count": n, "by": "ACLED", "source": 0 }] } }),
            );
        }
        Err(_) => return Err(("fatalities", format!("`{}` is not a number", get("fatalities")))),
    }
    properties.insert("notes".into(), json!(notes));
    properties.insert("sources".into(), json!([Value::Object(source)]));
    Ok(json!({
        "type": "Feature",
        "id": format!("acled-{}", event.to_ascii_lowercase()),
        "geometry": { "type": "Point", "coordinates": [lon, lat] },
        "properties": Value::Object(properties),
    }))
}

/// A day as ACLED exports write it.
fn parse_day(text: &str) -> Option<NaiveDate> {
    ["%Y-%m-%d", "%d %B %Y", "%d-%m-%Y", "%d/%m/%Y", "%d-%B-%Y"]
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(text, format).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "event_id_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,actor2,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,notes,fatalities,timestamp\n";

    fn one(row: &str) -> Incoming {
        rows(format!("{HEADER}{row}\n").as_bytes(), "acled.csv").unwrap().remove(0)
    }

    #[test]
    fn a_strike_row_becomes_a_strike_citing_acled_with_its_precision() {
        let row = one(
            "SYR1234,08 December 2024,2024,1,Explosions/Remote violence,Air/drone strike,Military Forces of Israel (2022-),,Syria,Damascus,Damascus,Kafr Sousa,Kafr Sousa,33.5,36.27,2,SANA; Reuters,Strikes hit a security complex.,3,1733900000",
        );
        assert_eq!(row.line, 2);
        assert_eq!(row.id.as_deref(), Some("acled-syr1234"));
        let f = row.feature.unwrap();
        let p = &f["properties"];
        assert_eq!(p["kind"], "airstrike");
        assert_eq!((p["start"].as_str(), p["end"].as_str()), (Some("2024-12-08"), Some("2024-12-08")));
        assert_eq!(p["location_precision"], "district");
        assert_eq!(f["geometry"]["coordinates"], json!([36.27, 33.5]));
        assert_eq!(p["sources"][0]["publisher"], "ACLED");
        assert_eq!(p["sources"][0]["via"], "SANA; Reuters");
        assert_eq!(p["sources"][0]["date"], "2024-12-11");
        assert_eq!(p["casualties"]["killed"]["min"], 3);
        assert_eq!(p["confidence"], "low");
    }

    #[test]
    fn a_week_becomes_seven_days_and_a_month_the_whole_month() {
        let week = one("SYR1,2025-03-12,2025,2,E,Shelling/artillery/missile attack,A,,Syria,Idlib,,,Idlib,35.9,36.6,1,SOHR,,0,1741900000").feature.unwrap();
        assert_eq!(
            (week["properties"]["start"].as_str(), week["properties"]["end"].as_str()),
            (Some("2025-03-09"), Some("2025-03-15"))
        );
        let month =
            one("SYR2,15-02-2025,2025,3,E,Air/drone strike,A,,Syria,Idlib,,,Idlib,35.9,36.6,3,SOHR,,0,1741900000")
                .feature
                .unwrap();
        assert_eq!(month["properties"]["start"], "2025-02-01");
        assert_eq!(month["properties"]["end"], "2025-02-28");
        assert_eq!(month["properties"]["start_precision"], "month");
        assert_eq!(month["properties"]["location_precision"], "governorate");
        // Near a month's edge the week reading reaches into the next month: the span covers it, to the day.
        let edge =
            one("SYR3,2025-03-30,2025,3,E,Air/drone strike,A,,Syria,Idlib,,,Idlib,35.9,36.6,3,SOHR,,0,1741900000")
                .feature
                .unwrap();
        let p = &edge["properties"];
        assert_eq!((p["start"].as_str(), p["start_precision"].as_str()), (Some("2025-03-01"), Some("month")));
        assert_eq!((p["end"].as_str(), p["end_precision"].as_str()), (Some("2025-04-02"), Some("day")));
    }

    #[test]
    fn rows_that_are_not_strikes_in_syria_say_which_column_is_wrong() {
        let protest = one(
            "SYR3,2025-03-12,2025,1,Protests,Peaceful protest,A,,Syria,Idlib,,,Idlib,35.9,36.6,1,SOHR,,0,1741900000",
        );
        assert_eq!(protest.feature.unwrap_err()[0].field, "sub_event_type");
        let bad_date =
            one("SYR4,someday,2025,1,E,Air/drone strike,A,,Syria,Idlib,,,Idlib,35.9,36.6,1,SOHR,,0,1741900000");
        assert_eq!(bad_date.feature.unwrap_err()[0].field, "event_date");
        let lebanon =
            one("LBN5,2025-03-12,2025,1,E,Air/drone strike,A,,Lebanon,South,,,Tyre,33.2,35.2,1,NNA,,0,1741900000");
        assert_eq!(lebanon.feature.unwrap_err()[0].field, "country");
        assert!(rows(b"a,b\n1,2\n", "x.csv").is_err());
    }
}

//! `GET /api/timeline`: feature counts per day, week or month and collection, for the web map's histogram.
//!
//! A feature counts in the bucket of its start day. Open `datetime` ends (or no `datetime`) are resolved to the
//! first and last start day of the chosen collections.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use crate::domain::timeline::{Bucket, MAX_BUCKETS, histogram};
use crate::domain::{Datetime, DaySpan};
use crate::store::Collection;

use super::error::ApiError;
use super::params::Params;
use super::{AppState, JSON, json_response};

#[derive(Serialize)]
struct Bar {
    start: String,
    end: String,
    count: usize,
}

#[derive(Serialize)]
struct Series<'a> {
    id: &'a str,
    total: usize,
    buckets: Vec<Bar>,
}

#[derive(Serialize)]
struct Body<'a> {
    bucket: Bucket,
    datetime: Option<String>,
    collections: Vec<Series<'a>>,
}

/// Handler.
pub async fn timeline(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let params = Params::parse(req.query_string(), &["f", "datetime", "bucket", "collections"])?;
    params.format(&["json"])?;
    let bucket = match params.raw("bucket") {
        None => Bucket::Week,
        Some(raw) => {
            Bucket::parse(raw).ok_or_else(|| ApiError::invalid("bucket", format!("`{raw}`: use day, week or month")))?
        }
    };
    let chosen: Vec<&Collection> = match params.raw("collections") {
        None => state.dataset.collections.iter().collect(),
        Some(raw) => raw
            .split(',')
            .map(str::trim)
            .map(|id| {
                state
                    .dataset
                    .collection(id)
                    .ok_or_else(|| ApiError::invalid("collections", format!("no collection `{id}`")))
            })
            .collect::<Result<_, _>>()?,
    };
    let requested = params.datetime()?.map_or(DaySpan::ALL, Datetime::span);
    let first_start = chosen.iter().filter_map(|c| c.starts().first()).min().copied();
    let last_start = chosen.iter().filter_map(|c| c.starts().last()).max().copied();
    let span = match (first_start, last_start) {
        (Some(lo), Some(hi)) => Some(DaySpan {
            first: if requested.first == DaySpan::ALL.first { lo } else { requested.first },
            last: if requested.last == DaySpan::ALL.last { hi } else { requested.last },
        })
        .filter(|s| s.first <= s.last),
        _ => None,
    };
    if let Some(span) = span
        && bucket.estimate(span) > MAX_BUCKETS
    {
        return Err(ApiError::invalid(
            "datetime",
            format!("the range needs more than {MAX_BUCKETS} {bucket:?} buckets: narrow it or use a coarser bucket"),
        ));
    }
    let collections = chosen
        .iter()
        .map(|c| {
            let buckets: Vec<Bar> = span
                .map(|span| histogram(c.starts(), span, bucket))
                .unwrap_or_default()
                .into_iter()
                .map(|b| Bar { start: b.first.to_string(), end: b.last.to_string(), count: b.count })
                .collect();
            Series { id: &c.meta.id, total: buckets.iter().map(|b| b.count).sum(), buckets }
        })
        .collect();
    json_response(JSON, &Body { bucket, datetime: span.map(|s| Datetime::from_span(s).to_string()), collections })
}

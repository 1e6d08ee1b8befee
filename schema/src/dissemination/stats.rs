//! Dissemination statistics, read from the counters: counts, people reached, distinct regions
//! reached and adoptions, grouped by region, month, kind and innovation.
//!
//! A query reads DETAIL counters when it is about innovations (a filter on innovations or a
//! grouping by them) and MONTH counters otherwise, so it reads at most one document per
//! innovation × region × month in its range, however many records there are. [`from_raw`]
//! answers the same question by aggregating the raw records, for the benchmark's baseline and
//! for tests that hold the two side by side.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use bson::oid::ObjectId;
use bson::{Bson, Document, doc};
use chrono::{Datelike, NaiveDate};
use futures::TryStreamExt;
use mongodb::Database;

use super::counters::{self, Counter, Level, NO_REGION};
use super::record::Kind;
use crate::db::collections;
use crate::error::{DomainError, FieldPath};
use crate::event::time::from_warsaw;
use crate::store_error::{Context, StoreResult};

/// What rows are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupBy {
    Region,
    Month,
    Kind,
    Innovation,
}

/// Which records a query is about; every part narrows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Only these innovations (one, or a project's); every record when `None`.
    pub innovations: Option<Vec<ObjectId>>,
    /// Only this region (a TERYT code).
    pub region: Option<String>,
    /// Only these kinds; every kind when empty.
    pub kinds: Vec<Kind>,
    /// From this Warsaw month (`2026-01`), inclusive.
    pub from: Option<String>,
    /// To this Warsaw month, inclusive.
    pub to: Option<String>,
}

/// What a row is about: the parts the query groups by, `None` elsewhere.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupKey {
    /// A TERYT code, or `-` for records without a region.
    pub region: Option<String>,
    pub month: Option<String>,
    pub kind: Option<Kind>,
    pub innovation: Option<ObjectId>,
}

/// One row of figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    pub key: GroupKey,
    pub count: i64,
    pub people: i64,
    /// The regions reached (records without a region reach none).
    pub regions: BTreeSet<String>,
    pub adoptions: i64,
}

impl Row {
    /// Adds figures, summed over one or more kinds (`adoptions` among `count`).
    fn add_sum(&mut self, region: Option<&str>, count: i64, people: i64, adoptions: i64) {
        self.count += count;
        self.people += people;
        self.adoptions += adoptions;
        if let Some(r) = region.filter(|r| *r != NO_REGION)
            && count > 0
            && !self.regions.contains(r)
        {
            self.regions.insert(r.to_owned());
        }
    }
}

/// A query's answer: rows in key order, and the total over all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub rows: Vec<Row>,
    pub total: Row,
}

/// Parses a month bound: `2026-01`, or a day (`2026-01-15`) meaning its month.
pub fn parse_month(value: &str, field: FieldPath) -> Result<String, DomainError> {
    let v = value.trim();
    NaiveDate::parse_from_str(&format!("{v}-01"), "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(v, "%Y-%m-%d"))
        .map(|d| format!("{:04}-{:02}", d.year(), d.month()))
        .map_err(|_| {
            DomainError::invalid(field, format!("{v:?} is not a month (2026-01) or a day"))
        })
}

fn uses_detail(filter: &Filter, group_by: &[GroupBy]) -> bool {
    filter.innovations.is_some() || group_by.contains(&GroupBy::Innovation)
}

fn key_for(group_by: &[GroupBy], c: &Counter, kind: Option<Kind>) -> GroupKey {
    let mut key = GroupKey::default();
    for g in group_by {
        match g {
            GroupBy::Region => key.region = c.region.clone(),
            GroupBy::Month => key.month = c.month.clone(),
            GroupBy::Kind => key.kind = kind,
            GroupBy::Innovation => key.innovation = c.innovation,
        }
    }
    key
}

/// Rows being added up, in key order, with their total.
#[derive(Default)]
struct Fold {
    rows: BTreeMap<GroupKey, Row>,
    total: Row,
}

impl Fold {
    fn add(&mut self, key: GroupKey, kind: Kind, region: Option<&str>, count: i64, people: i64) {
        let adoptions = if kind == Kind::AdoptionDeclared {
            count
        } else {
            0
        };
        self.add_sum(key, region, count, people, adoptions);
    }

    fn add_sum(
        &mut self,
        key: GroupKey,
        region: Option<&str>,
        count: i64,
        people: i64,
        adoptions: i64,
    ) {
        let row = match self.rows.get_mut(&key) {
            Some(row) => row,
            None => self.rows.entry(key.clone()).or_insert(Row {
                key,
                ..Row::default()
            }),
        };
        row.add_sum(region, count, people, adoptions);
        self.total.add_sum(region, count, people, adoptions);
    }

    fn finish(self) -> Stats {
        Stats {
            rows: self.rows.into_values().filter(|r| r.count > 0).collect(),
            total: self.total,
        }
    }
}

/// The figures `filter` and `group_by` ask for, from the counters.
pub async fn query(db: &Database, filter: &Filter, group_by: &[GroupBy]) -> StoreResult<Stats> {
    if filter.innovations.as_ref().is_some_and(Vec::is_empty) {
        return Ok(Stats::default());
    }
    let detail = uses_detail(filter, group_by);
    let mut q = doc! { "level": bson::to_bson(&if detail { Level::Detail } else { Level::Month }).unwrap_or(Bson::Null) };
    if let Some(ids) = &filter.innovations {
        q.insert("innovation", doc! { "$in": ids });
    }
    if let Some(r) = &filter.region {
        q.insert("region", r);
    }
    let mut month = Document::new();
    if let Some(from) = &filter.from {
        month.insert("$gte", from);
    }
    if let Some(to) = &filter.to {
        month.insert("$lte", to);
    }
    if !month.is_empty() {
        q.insert("month", month);
    }
    let mut cursor = counters::collection(db)
        .find(q)
        .await
        .context("Failed to read dissemination counters")?;
    let mut fold = Fold::default();
    let by_kind = group_by.contains(&GroupBy::Kind);
    while let Some(c) = cursor
        .try_next()
        .await
        .context("Failed to read dissemination counters")?
    {
        if !by_kind {
            // Every kind of this counter falls in the same row: add their sum once.
            let (mut count, mut people, mut adoptions) = (0, 0, 0);
            for (name, tally) in &c.kinds {
                let Some(kind) = Kind::parse(name) else {
                    continue;
                };
                if !filter.kinds.is_empty() && !filter.kinds.contains(&kind) {
                    continue;
                }
                count += tally.count;
                people += tally.people;
                if kind == Kind::AdoptionDeclared {
                    adoptions += tally.count;
                }
            }
            if count != 0 || people != 0 {
                let key = key_for(group_by, &c, None);
                fold.add_sum(key, c.region.as_deref(), count, people, adoptions);
            }
            continue;
        }
        for (name, tally) in &c.kinds {
            let Some(kind) = Kind::parse(name) else {
                continue;
            };
            if !filter.kinds.is_empty() && !filter.kinds.contains(&kind) {
                continue;
            }
            let key = key_for(group_by, &c, Some(kind));
            fold.add(key, kind, c.region.as_deref(), tally.count, tally.people);
        }
    }
    Ok(fold.finish())
}

/// The first instant of a Warsaw month, and of the one after it.
fn month_bounds(
    month: &str,
) -> Option<(chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> {
    let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()?;
    let next = first.checked_add_months(chrono::Months::new(1))?;
    let at = |d: NaiveDate| from_warsaw(d.and_time(chrono::NaiveTime::MIN), FieldPath::none()).ok();
    Some((at(first)?, at(next)?))
}

/// The same figures as [`query`], by a MongoDB aggregation over the raw counted records (a
/// record naming several innovations counts for each, as in the counters).
pub async fn from_raw(db: &Database, filter: &Filter, group_by: &[GroupBy]) -> StoreResult<Stats> {
    if filter.innovations.as_ref().is_some_and(Vec::is_empty) {
        return Ok(Stats::default());
    }
    let detail = uses_detail(filter, group_by);
    let mut m = doc! { "counted": true };
    if let Some(ids) = &filter.innovations {
        m.insert("innovation_ids", doc! { "$in": ids });
    }
    if let Some(r) = &filter.region {
        m.insert("region", r);
    }
    if !filter.kinds.is_empty() {
        let kinds: Vec<&str> = filter.kinds.iter().map(|k| k.as_str()).collect();
        m.insert("kind", doc! { "$in": kinds });
    }
    let mut at = Document::new();
    if let Some((start, _)) = filter.from.as_deref().and_then(month_bounds) {
        at.insert("$gte", bson::DateTime::from_chrono(start));
    }
    if let Some((_, end)) = filter.to.as_deref().and_then(month_bounds) {
        at.insert("$lt", bson::DateTime::from_chrono(end));
    }
    if !at.is_empty() {
        m.insert("at", at);
    }
    let mut pipeline = vec![doc! { "$match": m }];
    if detail {
        pipeline.push(doc! { "$unwind": "$innovation_ids" });
        if let Some(ids) = &filter.innovations {
            pipeline.push(doc! { "$match": { "innovation_ids": { "$in": ids } } });
        }
    }
    // Grouped finely (region × month × kind × innovation), then folded like counters, so
    // month names follow the Warsaw calendar exactly as the counters do.
    pipeline.push(doc! { "$group": {
        "_id": {
            "region": { "$ifNull": ["$region", NO_REGION] },
            "day": { "$dateToString": { "format": "%Y-%m-%d %H", "date": "$at" } },
            "kind": "$kind",
            "innovation": if detail { Bson::String("$innovation_ids".into()) } else { Bson::Null },
        },
        "count": { "$sum": 1 },
        "people": { "$sum": "$people" },
    } });
    let mut cursor = db
        .collection::<Document>(collections::DISSEMINATION_EVENTS)
        .aggregate(pipeline)
        .await
        .context("Failed to aggregate dissemination records")?;
    let mut fold = Fold::default();
    while let Some(d) = cursor
        .try_next()
        .await
        .context("Failed to aggregate dissemination records")?
    {
        let id = d.get_document("_id").cloned().unwrap_or_default();
        let Some(kind) = id.get_str("kind").ok().and_then(Kind::parse) else {
            continue;
        };
        let hour = id.get_str("day").unwrap_or_default();
        let Ok(utc) =
            chrono::NaiveDateTime::parse_from_str(&format!("{hour}:00"), "%Y-%m-%d %H:%M")
        else {
            continue;
        };
        let c = Counter {
            id: String::new(),
            level: Level::Detail,
            innovation: id.get_object_id("innovation").ok(),
            region: id.get_str("region").ok().map(str::to_owned),
            month: Some(counters::month_of(utc.and_utc())),
            count: 0,
            people: 0,
            kinds: BTreeMap::new(),
            regions: BTreeMap::new(),
        };
        let number = |k: &str| match d.get(k) {
            Some(Bson::Int32(n)) => i64::from(*n),
            Some(Bson::Int64(n)) => *n,
            Some(Bson::Double(n)) => *n as i64,
            _ => 0,
        };
        let (count, people) = (number("count"), number("people"));
        let key = key_for(group_by, &c, Some(kind));
        fold.add(key, kind, c.region.as_deref(), count, people);
    }
    Ok(fold.finish())
}

/// The all-time figures of each innovation asked for that has any, one document each.
pub async fn summaries(db: &Database, ids: &[ObjectId]) -> StoreResult<HashMap<ObjectId, Counter>> {
    let wanted: Vec<String> = ids.iter().map(|i| counters::innovation_id(*i)).collect();
    let found: Vec<Counter> = counters::collection(db)
        .find(doc! { "_id": { "$in": wanted } })
        .await
        .context("Failed to read dissemination summaries")?
        .try_collect()
        .await
        .context("Failed to read dissemination summaries")?;
    Ok(found
        .into_iter()
        .filter_map(|c| Some((c.innovation?, c)))
        .collect())
}

/// The innovations of a project that `scope` (a visibility filter) lets through.
pub async fn innovations_of_project(
    db: &Database,
    project: ObjectId,
    scope: Document,
) -> StoreResult<Vec<ObjectId>> {
    let mut q = doc! { "project_id": project };
    q.extend(scope);
    let found: Vec<Document> = db
        .collection::<Document>(collections::INNOVATIONS)
        .find(q)
        .projection(doc! { "_id": 1 })
        .await
        .context("Failed to read a project's innovations")?
        .try_collect()
        .await
        .context("Failed to read a project's innovations")?;
    Ok(found
        .iter()
        .filter_map(|d| d.get_object_id("_id").ok())
        .collect())
}

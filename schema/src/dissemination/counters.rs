//! Pre-aggregated counts of dissemination records, kept current by the worker in the same
//! transaction that stores the records.
//!
//! Four levels of counter documents, each `_id` saying what it counts, each with the totals
//! (`count`, `people`) and one tally per kind (`kinds.<KIND>`):
//!
//! | level        | `_id`                              | extra                      |
//! |--------------|------------------------------------|----------------------------|
//! | `DETAIL`     | `d|<innovation>|<region>|<YYYY-MM>` |                            |
//! | `INNOVATION` | `i|<innovation>`                   | `regions.<code>` (all time) |
//! | `MONTH`      | `m|<region>|<YYYY-MM>`             |                            |
//! | `TOTAL`      | `t`                                | `regions.<code>` (all time) |
//!
//! A record without a region counts under the region `-`; a record naming several innovations
//! counts once in each of their DETAIL and INNOVATION documents and once in MONTH and TOTAL.
//! Months are Warsaw calendar months. The number of documents grows with innovations ×
//! regions × months, never with the number of records.

use std::collections::BTreeMap;

use bson::oid::ObjectId;
use bson::{Bson, Document, doc};
use futures::TryStreamExt;
use mongodb::{ClientSession, Collection, Database};
use serde::{Deserialize, Serialize};

use super::record::Record;
use crate::db::collections;
use crate::event::time::to_warsaw;
use crate::store_error::{Context, StoreResult};

/// Where a record without a region counts.
pub const NO_REGION: &str = "-";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Level {
    Detail,
    Innovation,
    Month,
    Total,
}

/// How many records and how many people.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    #[serde(default)]
    pub count: i64,
    #[serde(default)]
    pub people: i64,
}

impl Tally {
    pub fn add(&mut self, other: Tally) {
        self.count += other.count;
        self.people += other.people;
    }
}

/// One counter document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Counter {
    #[serde(rename = "_id")]
    pub id: String,
    pub level: Level,
    pub innovation: Option<ObjectId>,
    pub region: Option<String>,
    pub month: Option<String>,
    #[serde(default)]
    pub count: i64,
    #[serde(default)]
    pub people: i64,
    #[serde(default)]
    pub kinds: BTreeMap<String, Tally>,
    #[serde(default)]
    pub regions: BTreeMap<String, Tally>,
}

pub fn collection(db: &Database) -> Collection<Counter> {
    db.collection(collections::DISSEMINATION_COUNTERS)
}

/// The Warsaw calendar month of an instant, as counters name it (`2026-12`).
pub fn month_of(at: chrono::DateTime<chrono::Utc>) -> String {
    to_warsaw(at).format("%Y-%m").to_string()
}

pub fn detail_id(innovation: ObjectId, region: &str, month: &str) -> String {
    format!("d|{}|{region}|{month}", innovation.to_hex())
}

pub fn innovation_id(innovation: ObjectId) -> String {
    format!("i|{}", innovation.to_hex())
}

pub fn month_id(region: &str, month: &str) -> String {
    format!("m|{region}|{month}")
}

pub const TOTAL_ID: &str = "t";

/// What one counter document gains.
#[derive(Debug, Clone, PartialEq)]
struct Delta {
    level: Level,
    innovation: Option<ObjectId>,
    region: Option<String>,
    month: Option<String>,
    inc: BTreeMap<String, i64>,
}

/// The increments a set of records makes, folded by counter document, so a batch costs one
/// update per document it touches however many of its records fall there.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Increments(BTreeMap<String, Delta>);

impl Increments {
    pub fn of<'a>(records: impl IntoIterator<Item = &'a Record>) -> Self {
        let mut inc = Self::default();
        for r in records {
            inc.add(r);
        }
        inc
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many counter documents the increments touch.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn add(&mut self, r: &Record) {
        let month = month_of(r.at);
        let region = r.region.map_or(NO_REGION, |c| c.as_str());
        let tally = Tally {
            count: 1,
            people: r.people,
        };
        let kind = r.kind.as_str();
        for &innovation in &r.innovation_ids {
            self.bump(
                detail_id(innovation, region, &month),
                (Level::Detail, Some(innovation), Some(region), Some(&month)),
                kind,
                None,
                tally,
            );
            self.bump(
                innovation_id(innovation),
                (Level::Innovation, Some(innovation), None, None),
                kind,
                Some(region),
                tally,
            );
        }
        self.bump(
            month_id(region, &month),
            (Level::Month, None, Some(region), Some(&month)),
            kind,
            None,
            tally,
        );
        self.bump(
            TOTAL_ID.to_owned(),
            (Level::Total, None, None, None),
            kind,
            Some(region),
            tally,
        );
    }

    fn bump(
        &mut self,
        id: String,
        (level, innovation, region, month): (Level, Option<ObjectId>, Option<&str>, Option<&str>),
        kind: &str,
        by_region: Option<&str>,
        t: Tally,
    ) {
        let delta = self.0.entry(id).or_insert_with(|| Delta {
            level,
            innovation,
            region: region.map(str::to_owned),
            month: month.map(str::to_owned),
            inc: BTreeMap::new(),
        });
        let mut add = |path: String, n: i64| *delta.inc.entry(path).or_default() += n;
        add("count".into(), t.count);
        add("people".into(), t.people);
        add(format!("kinds.{kind}.count"), t.count);
        add(format!("kinds.{kind}.people"), t.people);
        if let Some(r) = by_region {
            add(format!("regions.{r}.count"), t.count);
            add(format!("regions.{r}.people"), t.people);
        }
    }

    /// Adds the increments in `session`'s transaction: one `update` command per 500 counter
    /// documents, each an upsert by `_id`.
    pub async fn apply(
        &self,
        db: &Database,
        session: &mut ClientSession,
    ) -> mongodb::error::Result<()> {
        let statements: Vec<Document> = self
            .0
            .iter()
            .map(|(id, d)| {
                let inc: Document = d
                    .inc
                    .iter()
                    .map(|(k, v)| (k.clone(), Bson::Int64(*v)))
                    .collect();
                let on_insert = doc! {
                    "level": bson::to_bson(&d.level).unwrap_or(Bson::Null),
                    "innovation": d.innovation,
                    "region": d.region.clone(),
                    "month": d.month.clone(),
                };
                doc! { "q": { "_id": id }, "u": { "$inc": inc, "$setOnInsert": on_insert }, "upsert": true }
            })
            .collect();
        for chunk in statements.chunks(500) {
            let answer = db
                .run_command(doc! {
                    "update": collections::DISSEMINATION_COUNTERS,
                    "updates": chunk.to_vec(),
                    "ordered": false,
                })
                .session(&mut *session)
                .await?;
            if let Ok(errors) = answer.get_array("writeErrors")
                && !errors.is_empty()
            {
                return Err(mongodb::error::Error::custom(format!(
                    "counter updates failed: {errors:?}"
                )));
            }
        }
        Ok(())
    }

    /// The increments as flat `(_id, path) → n`, to compare with stored counters.
    pub fn flat(&self) -> BTreeMap<(String, String), i64> {
        self.0
            .iter()
            .flat_map(|(id, d)| d.inc.iter().map(|(p, n)| ((id.clone(), p.clone()), *n)))
            .collect()
    }
}

/// The stored counters as flat `(_id, path) → n`, zeros left out.
pub async fn stored_flat(db: &Database) -> StoreResult<BTreeMap<(String, String), i64>> {
    let counters: Vec<Counter> = collection(db)
        .find(doc! {})
        .await
        .context("Failed to read dissemination counters")?
        .try_collect()
        .await
        .context("Failed to read dissemination counters")?;
    let mut flat = BTreeMap::new();
    let mut put = |id: &str, path: String, n: i64| {
        if n != 0 {
            flat.insert((id.to_owned(), path), n);
        }
    };
    for c in &counters {
        put(&c.id, "count".into(), c.count);
        put(&c.id, "people".into(), c.people);
        for (k, t) in &c.kinds {
            put(&c.id, format!("kinds.{k}.count"), t.count);
            put(&c.id, format!("kinds.{k}.people"), t.people);
        }
        for (r, t) in &c.regions {
            put(&c.id, format!("regions.{r}.count"), t.count);
            put(&c.id, format!("regions.{r}.people"), t.people);
        }
    }
    Ok(flat)
}

/// Every difference between the stored counters and a recount from the raw records marked
/// counted; empty when each counted record is in the counters exactly once.
pub async fn verify(db: &Database) -> StoreResult<Vec<String>> {
    let mut expected = Increments::default();
    let mut records = super::ingest::collection(db)
        .find(doc! { "counted": true })
        .await
        .context("Failed to read dissemination records")?;
    while let Some(r) = records
        .try_next()
        .await
        .context("Failed to read dissemination records")?
    {
        expected.add(&r);
    }
    let mut expected = expected.flat();
    expected.retain(|_, n| *n != 0);
    let stored = stored_flat(db).await?;
    let mut differences = Vec::new();
    for (key, n) in &expected {
        let s = stored.get(key).copied().unwrap_or(0);
        if s != *n {
            differences.push(format!("{} {}: counted {s}, recounted {n}", key.0, key.1));
        }
    }
    for (key, s) in &stored {
        if !expected.contains_key(key) {
            differences.push(format!("{} {}: counted {s}, recounted 0", key.0, key.1));
        }
    }
    Ok(differences)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissemination::record::{Kind, Source};
    use crate::error::FieldPath;
    use crate::region::RegionCode;

    fn record(innovations: Vec<ObjectId>, region: Option<&str>, at: &str, people: i64) -> Record {
        Record {
            key: uuid::Uuid::new_v4().to_string(),
            kind: Kind::TrainingDelivered,
            innovation_ids: innovations,
            material_id: None,
            event_id: None,
            region: region.map(|r| RegionCode::parse(r, FieldPath::none()).expect("region")),
            organization_id: None,
            people,
            at: at.parse().expect("time"),
            source: Source::Recorded,
            note: None,
            recorded_by: None,
            counted: false,
        }
    }

    #[test]
    fn a_record_counts_in_each_innovations_documents_and_once_in_the_totals() {
        let (a, b) = (ObjectId::new(), ObjectId::new());
        // 23:30 UTC on 31 December is already January in Warsaw.
        let r = record(vec![a, b], Some("24"), "2026-12-31T23:30:00Z", 40);
        let flat = Increments::of([&r]).flat();
        let get = |id: String, path: &str| flat.get(&(id, path.to_owned())).copied();
        assert_eq!(get(detail_id(a, "24", "2027-01"), "people"), Some(40));
        assert_eq!(get(detail_id(b, "24", "2027-01"), "count"), Some(1));
        assert_eq!(get(innovation_id(a), "regions.24.count"), Some(1));
        assert_eq!(
            get(month_id("24", "2027-01"), "kinds.TRAINING_DELIVERED.count"),
            Some(1)
        );
        assert_eq!(get(TOTAL_ID.to_owned(), "count"), Some(1));
        assert_eq!(get(TOTAL_ID.to_owned(), "people"), Some(40));
    }

    #[test]
    fn records_falling_in_one_document_fold_into_one_update() {
        let a = ObjectId::new();
        let records: Vec<Record> = (0..100)
            .map(|_| record(vec![a], None, "2026-06-01T10:00:00Z", 2))
            .collect();
        let inc = Increments::of(&records);
        assert_eq!(inc.len(), 4, "detail, innovation, month and total");
        let flat = inc.flat();
        assert_eq!(
            flat[&(month_id(NO_REGION, "2026-06"), "people".to_owned())],
            200
        );
    }
}

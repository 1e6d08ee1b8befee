//! EU-funded projects that incubate innovations, with targets whose progress is derived from
//! the innovations themselves (never typed in, so it cannot drift from the data).

use std::collections::HashMap;

use bson::oid::ObjectId;
use bson::{Document, doc};
use chrono::{DateTime, NaiveDate, Utc};
use futures::TryStreamExt;
use mongodb::options::ReturnDocument;
use mongodb::{Collection, Database};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::access::Visibility;
use crate::db::collections;
use crate::error::{DomainError, ErrorCode, FieldPath, Problems};
use crate::innovation::Status;
use crate::money::Money;
use crate::region::RegionCode;
use crate::store_error::{Context, StoreResult};
use crate::values::{
    LIST_MAX, NAME_MAX, Period, TEXT_MAX, TITLE_MAX, optional_text, required_text,
};

/// What a target measures, over the project's innovations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TargetMetric {
    /// Ideas submitted to the open call.
    IdeasSubmitted,
    /// Ideas granted a grant for testing in micro scale (granted, and on from there).
    IdeasGranted,
    /// Ideas tested in real conditions (evaluated after testing, whatever the verdict).
    IdeasTested,
    /// Tested ideas selected for wider implementation.
    IdeasSelected,
    /// Innovations ready to implement.
    ReadyToImplement,
    /// Selected ideas as a percentage of tested ones.
    SelectedPercentOfTested,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub metric: TargetMetric,
    /// The promised minimum, e.g. 30 ideas or 10 (%).
    pub goal: Decimal,
    pub description: String,
}

/// How many of a project's innovations are in each status.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatusCounts(pub HashMap<Status, i64>);

impl StatusCounts {
    fn sum(&self, pred: impl Fn(Status) -> bool) -> i64 {
        self.0
            .iter()
            .filter(|(s, _)| pred(**s))
            .map(|(_, n)| n)
            .sum()
    }
}

impl Target {
    /// The current value of the metric; the target is met when it reaches `goal`.
    pub fn current(&self, counts: &StatusCounts) -> Decimal {
        let tested = counts.sum(Status::was_tested);
        let selected = counts.sum(Status::was_selected);
        match self.metric {
            TargetMetric::IdeasSubmitted => Decimal::from(counts.sum(|_| true)),
            TargetMetric::IdeasGranted => Decimal::from(counts.sum(Status::was_granted)),
            TargetMetric::IdeasTested => Decimal::from(tested),
            TargetMetric::IdeasSelected => Decimal::from(selected),
            TargetMetric::ReadyToImplement => {
                Decimal::from(counts.sum(|s| s == Status::ReadyToImplement))
            }
            TargetMetric::SelectedPercentOfTested if tested == 0 => Decimal::ZERO,
            TargetMetric::SelectedPercentOfTested => {
                (Decimal::from(selected * 100) / Decimal::from(tested)).round_dp(1)
            }
        }
    }

    /// Whether the project kept this promise: the current value reached the goal.
    pub fn achieved(&self, counts: &StatusCounts) -> bool {
        self.current(counts) >= self.goal
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    #[serde(rename = "_id")]
    pub id: ObjectId,
    pub title: String,
    pub programme: String,
    pub priority_axis: Option<String>,
    pub measure: Option<String>,
    pub sub_measure: Option<String>,
    pub implementer_id: Option<ObjectId>,
    pub total_value: Option<Money>,
    pub grant: Option<Money>,
    pub period: Option<Period>,
    pub description: Option<String>,
    pub partner_ids: Vec<ObjectId>,
    pub targets: Vec<Target>,
    pub region: Option<RegionCode>,
    pub published: bool,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "bson::serde_helpers::chrono_datetime_as_bson_datetime")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct TargetInput {
    pub metric: TargetMetric,
    pub goal: Decimal,
    pub description: String,
}

/// Project fields as a client sends them; `None` in an update leaves the field as it is.
#[derive(Debug, Clone, Default)]
pub struct ProjectFields {
    pub title: Option<String>,
    pub programme: Option<String>,
    pub priority_axis: Option<String>,
    pub measure: Option<String>,
    pub sub_measure: Option<String>,
    pub implementer_id: Option<ObjectId>,
    pub total_value: Option<Decimal>,
    pub grant: Option<Decimal>,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub description: Option<String>,
    pub partner_ids: Option<Vec<ObjectId>>,
    pub targets: Option<Vec<TargetInput>>,
    pub region: Option<String>,
    pub published: Option<bool>,
}

impl ProjectFields {
    /// Applies the fields to `base` (a fresh project when creating), checking each and the
    /// rules between them (grant within the total value, end not before start).
    pub fn apply(self, mut base: Project, creating: bool) -> Result<Project, Vec<DomainError>> {
        let mut p = Problems::new();
        let f = FieldPath::input;
        if creating {
            for (name, missing) in [
                ("title", self.title.is_none()),
                ("programme", self.programme.is_none()),
            ] {
                if missing {
                    p.push(DomainError::new(
                        f(name),
                        ErrorCode::Required,
                        "is required",
                    ));
                }
            }
        }
        if let Some(v) = self
            .title
            .as_deref()
            .and_then(|v| p.check(required_text(v, f("title"), TITLE_MAX)))
        {
            base.title = v;
        }
        if let Some(v) = self
            .programme
            .as_deref()
            .and_then(|v| p.check(required_text(v, f("programme"), NAME_MAX)))
        {
            base.programme = v;
        }
        let mut opt = |value: Option<String>, name: &str, max: usize, slot: &mut Option<String>| {
            if let Some(v) = value
                && let Some(v) = p.check(optional_text(Some(&v), f(name), max))
            {
                *slot = v;
            }
        };
        opt(
            self.priority_axis,
            "priorityAxis",
            NAME_MAX,
            &mut base.priority_axis,
        );
        opt(self.measure, "measure", NAME_MAX, &mut base.measure);
        opt(
            self.sub_measure,
            "subMeasure",
            NAME_MAX,
            &mut base.sub_measure,
        );
        opt(
            self.description,
            "description",
            TEXT_MAX,
            &mut base.description,
        );
        if let Some(id) = self.implementer_id {
            base.implementer_id = Some(id);
        }
        if let Some(v) = self.total_value {
            base.total_value = p
                .check(Money::parse(v, f("totalValue")))
                .or(base.total_value);
        }
        if let Some(v) = self.grant {
            base.grant = p.check(Money::parse(v, f("grant"))).or(base.grant);
        }
        if let (Some(total), Some(grant)) = (base.total_value, base.grant)
            && grant > total
        {
            {
                p.push(DomainError::invalid(
                    f("grant"),
                    "the grant cannot exceed the total value",
                ));
            }
        }
        match (
            self.start.or(base.period.map(|x| x.start)),
            self.end.or(base.period.map(|x| x.end)),
        ) {
            (Some(s), Some(e)) => {
                base.period = p.check(Period::new(s, e, f("period"))).or(base.period)
            }
            (None, None) => {}
            _ => p.push(DomainError::new(
                f("period"),
                ErrorCode::Required,
                "give both the start and the end",
            )),
        }
        if let Some(ids) = self.partner_ids {
            if ids.len() > LIST_MAX {
                p.push(DomainError::new(
                    f("partnerIds"),
                    ErrorCode::TooLong,
                    format!("at most {LIST_MAX} partners"),
                ));
            }
            base.partner_ids = ids;
        }
        if let Some(targets) = self.targets {
            let at = f("targets");
            base.targets = targets
                .into_iter()
                .enumerate()
                .filter_map(|(i, t)| {
                    if t.goal.is_sign_negative() {
                        p.push(DomainError::invalid(
                            at.index(i).child("goal"),
                            "must not be negative",
                        ));
                        return None;
                    }
                    let description = p.check(required_text(
                        &t.description,
                        at.index(i).child("description"),
                        NAME_MAX,
                    ))?;
                    Some(Target {
                        metric: t.metric,
                        goal: t.goal,
                        description,
                    })
                })
                .collect();
        }
        if let Some(r) = self.region {
            base.region = p.check(RegionCode::parse(&r, f("region"))).or(base.region);
        }
        if let Some(v) = self.published {
            base.published = v;
        }
        base.updated_at = Utc::now();
        p.finish(|| base)
    }
}

impl Project {
    /// An empty project to fill with [`ProjectFields::apply`].
    pub fn blank() -> Self {
        let now = Utc::now();
        Self {
            id: ObjectId::new(),
            title: String::new(),
            programme: String::new(),
            priority_axis: None,
            measure: None,
            sub_measure: None,
            implementer_id: None,
            total_value: None,
            grant: None,
            period: None,
            description: None,
            partner_ids: Vec::new(),
            targets: Vec::new(),
            region: None,
            published: false,
            created_at: now,
            updated_at: now,
        }
    }
}

pub fn collection(db: &Database) -> Collection<Project> {
    db.collection(collections::PROJECTS)
}

pub async fn insert(db: &Database, project: &Project) -> StoreResult<()> {
    collection(db)
        .insert_one(project)
        .await
        .context("Failed to insert the project")?;
    Ok(())
}

/// Replaces the stored project if it still has the `updated_at` the caller read, so a
/// concurrent edit is not silently overwritten.
pub async fn replace(
    db: &Database,
    project: &Project,
    read_at: DateTime<Utc>,
) -> StoreResult<Option<Project>> {
    collection(db)
        .find_one_and_replace(
            doc! { "_id": project.id, "updated_at": bson::DateTime::from_chrono(read_at) },
            project,
        )
        .return_document(ReturnDocument::After)
        .await
        .context("Failed to update the project")
}

pub async fn get(db: &Database, id: ObjectId) -> StoreResult<Option<Project>> {
    collection(db)
        .find_one(doc! { "_id": id })
        .await
        .context("Failed to read the project")
}

pub async fn find_many(db: &Database, ids: &[ObjectId]) -> StoreResult<Vec<Project>> {
    collection(db)
        .find(doc! { "_id": { "$in": ids } })
        .await
        .context("Failed to find projects")?
        .try_collect()
        .await
        .context("Failed to read projects")
}

pub fn filter(visibility: &Visibility, region: Option<RegionCode>) -> Document {
    let mut f = visibility.filter();
    if let Some(r) = region {
        f.insert("region", r.as_str());
    }
    f
}

/// Status counts of the innovations of each of `ids`, in one aggregation over the innovations:
/// the recount the kept counters (`innovation::counts`) must equal.
pub async fn status_counts(
    db: &Database,
    ids: &[ObjectId],
) -> StoreResult<HashMap<ObjectId, StatusCounts>> {
    let rows: Vec<Document> = db
        .collection::<Document>(collections::INNOVATIONS)
        .aggregate([
            doc! { "$match": { "project_id": { "$in": ids } } },
            doc! { "$group": { "_id": { "p": "$project_id", "s": "$status" }, "n": { "$sum": 1 } } },
        ])
        .await
        .context("Failed to count innovations per project")?
        .try_collect()
        .await
        .context("Failed to read innovation counts")?;
    let mut out: HashMap<ObjectId, StatusCounts> = HashMap::new();
    for row in rows {
        let Ok(key) = row.get_document("_id") else {
            continue;
        };
        let (Ok(p), Ok(s)) = (key.get_object_id("p"), key.get_str("s")) else {
            continue;
        };
        let Ok(status) = bson::from_bson::<Status>(bson::Bson::String(s.to_owned())) else {
            continue;
        };
        let n = row
            .get_i32("n")
            .map(i64::from)
            .or_else(|_| row.get_i64("n"))
            .unwrap_or(0);
        out.entry(p).or_default().0.insert(status, n);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(pairs: &[(Status, i64)]) -> StatusCounts {
        StatusCounts(pairs.iter().copied().collect())
    }

    #[test]
    fn progress_is_derived_from_innovation_statuses() {
        let c = counts(&[
            (Status::IdeaSubmitted, 5),
            (Status::Testing, 4),
            (Status::NotRecommended, 27),
            (Status::ReadyToImplement, 3),
        ]);
        let t = |metric, goal: i64| Target {
            metric,
            goal: Decimal::from(goal),
            description: String::new(),
        };
        assert_eq!(
            t(TargetMetric::IdeasSubmitted, 0).current(&c),
            Decimal::from(39)
        );
        assert_eq!(
            t(TargetMetric::IdeasGranted, 30).current(&c),
            Decimal::from(34)
        );
        assert_eq!(
            t(TargetMetric::IdeasTested, 30).current(&c),
            Decimal::from(30)
        );
        assert_eq!(
            t(TargetMetric::IdeasSelected, 3).current(&c),
            Decimal::from(3)
        );
        assert_eq!(
            t(TargetMetric::SelectedPercentOfTested, 10).current(&c),
            Decimal::from(10)
        );
        assert_eq!(
            t(TargetMetric::SelectedPercentOfTested, 10).current(&StatusCounts::default()),
            Decimal::ZERO
        );
    }

    #[test]
    fn a_target_is_achieved_once_its_goal_is_reached() {
        let tested = |goal: i64| Target {
            metric: TargetMetric::IdeasTested,
            goal: Decimal::from(goal),
            description: "30 innowacji przetestowanych".into(),
        };
        let c = counts(&[(Status::Evaluated, 29), (Status::NotRecommended, 1)]);
        assert!(tested(30).achieved(&c));
        assert!(!tested(31).achieved(&c));
    }

    #[test]
    fn the_radom_project_is_representable_exactly() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let fields = ProjectFields {
            title: Some(
                "Chcemy pracować – Innowacje w zakresie usług opiekuńczych dla osób zależnych"
                    .into(),
            ),
            programme: Some("Program Operacyjny Wiedza Edukacja Rozwój 2014-2020".into()),
            priority_axis: Some("IV Innowacje społeczne i współpraca ponadnarodowa".into()),
            measure: Some("4.1 Innowacje społeczne".into()),
            total_value: Some("2979707.50".parse().unwrap()),
            grant: Some("2889707.50".parse().unwrap()),
            start: Some(d("2016-09-01")),
            end: Some(d("2019-04-30")),
            region: Some("14".into()),
            ..ProjectFields::default()
        };
        let p = fields.apply(Project::blank(), true).unwrap();
        assert_eq!(p.total_value.unwrap().to_string(), "2979707.50");
        assert_eq!(p.grant.unwrap().to_string(), "2889707.50");
        assert_eq!(p.sub_measure, None);
    }

    #[test]
    fn a_grant_above_the_total_and_an_end_before_the_start_are_refused() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let fields = ProjectFields {
            title: Some("x".into()),
            programme: Some("y".into()),
            total_value: Some(Decimal::from(10)),
            grant: Some(Decimal::from(11)),
            start: Some(d("2019-01-01")),
            end: Some(d("2018-01-01")),
            ..ProjectFields::default()
        };
        let errors = fields.apply(Project::blank(), true).unwrap_err();
        let fields: Vec<String> = errors.iter().map(|e| e.field.to_string()).collect();
        assert!(fields.contains(&"input.grant".to_owned()), "{fields:?}");
        assert!(
            fields.contains(&"input.period.end".to_owned()),
            "{fields:?}"
        );
    }
}

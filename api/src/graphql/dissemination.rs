//! Dissemination: recording signs that an innovation travels, and reading the statistics the
//! worker counts from them.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use bson::oid::ObjectId;
use innohub_schema::access::rules::Reach;
use innohub_schema::access::{self, Action};
use innohub_schema::dissemination::counters::{Counter, NO_REGION};
use innohub_schema::dissemination::stats::{self, Filter, GroupBy, Row, Stats};
use innohub_schema::dissemination::{Kind as K, NewRecord, ingest};
use innohub_schema::error::FieldPath;
use innohub_schema::event::Event;
use innohub_schema::innovation::Innovation;
use innohub_schema::innovation::store as innovations;
use innohub_schema::jobs::queue::JobQueue;
use innohub_schema::material::Material;
use innohub_schema::organization::Organization;
use innohub_schema::project::{self, Project};
use innohub_schema::references::References;
use innohub_schema::region::RegionCode;
use mongodb::Database;

use super::auth;
use super::common::{RegionGql, region_arg};
use super::ids::{self, Kind};
use super::innovations::InnovationGql;
use super::loaders::Loaders;
use super::payload::{UserError, dangling, list_refs, one_ref, user_errors};
use crate::error::{ApiError, OrInternal};

/// What kind of sign of dissemination a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "DisseminationKind")]
pub enum KindGql {
    /// Presented at a conference, seminar or meeting.
    PresentedAtEvent,
    /// A dissemination material's file downloaded in full.
    MaterialDownloaded,
    /// Read by someone from another region.
    InnovationViewed,
    /// Pulled into a partner region's own catalogue.
    InnovationPulledByPartner,
    /// A partner declared it will implement it.
    AdoptionDeclared,
    /// A training on it was delivered.
    TrainingDelivered,
    /// Mentioned in the press, radio, television or online media.
    MediaMention,
}

impl From<KindGql> for K {
    fn from(k: KindGql) -> Self {
        match k {
            KindGql::PresentedAtEvent => K::PresentedAtEvent,
            KindGql::MaterialDownloaded => K::MaterialDownloaded,
            KindGql::InnovationViewed => K::InnovationViewed,
            KindGql::InnovationPulledByPartner => K::InnovationPulledByPartner,
            KindGql::AdoptionDeclared => K::AdoptionDeclared,
            KindGql::TrainingDelivered => K::TrainingDelivered,
            KindGql::MediaMention => K::MediaMention,
        }
    }
}

impl From<K> for KindGql {
    fn from(k: K) -> Self {
        match k {
            K::PresentedAtEvent => KindGql::PresentedAtEvent,
            K::MaterialDownloaded => KindGql::MaterialDownloaded,
            K::InnovationViewed => KindGql::InnovationViewed,
            K::InnovationPulledByPartner => KindGql::InnovationPulledByPartner,
            K::AdoptionDeclared => KindGql::AdoptionDeclared,
            K::TrainingDelivered => KindGql::TrainingDelivered,
            K::MediaMention => KindGql::MediaMention,
        }
    }
}

/// What dissemination statistics are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "DisseminationGroup")]
pub enum GroupGql {
    /// The region reached.
    Region,
    /// The Warsaw calendar month.
    Month,
    /// The kind of sign.
    Kind,
    /// The innovation.
    Innovation,
}

impl From<GroupGql> for GroupBy {
    fn from(g: GroupGql) -> Self {
        match g {
            GroupGql::Region => GroupBy::Region,
            GroupGql::Month => GroupBy::Month,
            GroupGql::Kind => GroupBy::Kind,
            GroupGql::Innovation => GroupBy::Innovation,
        }
    }
}

/// Which records statistics are about; every field narrows.
#[derive(InputObject, Default)]
pub struct DisseminationFilter {
    /// One innovation.
    pub innovation: Option<ID>,
    /// A project's innovations.
    pub project: Option<ID>,
    /// The region reached (TERYT code).
    pub region: Option<String>,
    /// These kinds of sign only.
    pub kind: Option<Vec<KindGql>>,
    /// From this month (`2026-01`, or a day meaning its month), Warsaw time, inclusive.
    pub from: Option<String>,
    /// To this month, inclusive.
    pub to: Option<String>,
}

/// One row of dissemination figures: the group it is about (the fields the query grouped
/// by; null elsewhere) and its counts.
pub struct DisseminationRow {
    row: Row,
    innovation: Option<Arc<Innovation>>,
}

/// One row of dissemination figures: the group it is about (the fields the query grouped
/// by; null elsewhere) and its counts.
#[Object]
impl DisseminationRow {
    /// The region reached, when grouped by region; null for records without a region.
    async fn region(&self) -> Option<RegionGql> {
        region_of(self.row.key.region.as_deref())
    }
    /// The month (`2026-12`), when grouped by month.
    async fn month(&self) -> Option<&str> {
        self.row.key.month.as_deref()
    }
    /// The kind of sign, when grouped by kind.
    async fn kind(&self) -> Option<KindGql> {
        self.row.key.kind.map(Into::into)
    }
    /// The innovation, when grouped by innovation.
    async fn innovation(&self) -> Option<InnovationGql> {
        self.innovation.clone().map(InnovationGql)
    }
    /// How many records.
    async fn count(&self) -> i64 {
        self.row.count
    }
    /// How many people they reached.
    async fn people_reached(&self) -> i64 {
        self.row.people
    }
    /// How many distinct regions they reached.
    async fn regions_reached(&self) -> i64 {
        self.row.regions.len() as i64
    }
    /// How many of them are ADOPTION_DECLARED.
    async fn adoptions(&self) -> i64 {
        self.row.adoptions
    }
}

fn region_of(code: Option<&str>) -> Option<RegionGql> {
    code.filter(|c| *c != NO_REGION)
        .and_then(|c| RegionCode::parse(c, FieldPath::none()).ok())
        .map(Into::into)
}

/// Dissemination statistics, read from the worker's counters.
#[derive(SimpleObject)]
pub struct DisseminationStats {
    /// One row per group, in order of region, month, kind and innovation.
    rows: Vec<DisseminationRow>,
    /// The figures of all rows together.
    total: DisseminationRow,
}

/// How many records of one kind, and the people they reached.
#[derive(SimpleObject)]
pub struct DisseminationTally {
    /// The kind of sign.
    kind: KindGql,
    /// How many records of it.
    count: i64,
    /// How many people they reached.
    people_reached: i64,
}

/// How many records reached one region, and how many people there.
#[derive(SimpleObject)]
pub struct DisseminationRegionTally {
    /// The region reached.
    region: RegionGql,
    /// How many records reached it.
    count: i64,
    /// How many people they reached there.
    people_reached: i64,
}

/// The all-time dissemination figures of an innovation or a project.
#[derive(SimpleObject, Default)]
pub struct DisseminationSummary {
    /// How many records.
    count: i64,
    /// How many people they reached.
    people_reached: i64,
    /// How many distinct regions they reached.
    regions_reached: i64,
    /// How many partners declared they adopt it.
    adoptions: i64,
    /// By kind of sign.
    by_kind: Vec<DisseminationTally>,
    /// By region reached: every region for staff, a partner's own region for a partner.
    by_region: Vec<DisseminationRegionTally>,
}

impl DisseminationSummary {
    /// The summary of `counters` (several for a project) as `reach` may read it.
    fn of<'a>(counters: impl IntoIterator<Item = &'a Counter>, reach: Reach) -> Self {
        let mut kinds: HashMap<String, (i64, i64)> = HashMap::new();
        let mut regions: HashMap<String, (i64, i64)> = HashMap::new();
        let mut s = Self::default();
        for c in counters {
            s.count += c.count;
            s.people_reached += c.people;
            for (k, t) in &c.kinds {
                let e = kinds.entry(k.clone()).or_default();
                e.0 += t.count;
                e.1 += t.people;
            }
            for (r, t) in &c.regions {
                let e = regions.entry(r.clone()).or_default();
                e.0 += t.count;
                e.1 += t.people;
            }
        }
        s.adoptions = kinds.get(K::AdoptionDeclared.as_str()).map_or(0, |t| t.0);
        s.regions_reached = regions
            .iter()
            .filter(|(r, t)| r.as_str() != NO_REGION && t.0 > 0)
            .count() as i64;
        s.by_kind = K::ALL
            .into_iter()
            .filter_map(|k| {
                kinds.get(k.as_str()).map(|t| DisseminationTally {
                    kind: k.into(),
                    count: t.0,
                    people_reached: t.1,
                })
            })
            .collect();
        let mut by_region: Vec<DisseminationRegionTally> = regions
            .iter()
            .filter(|(r, _)| match reach {
                Reach::Everything => true,
                Reach::Region(own) => r.as_str() == own.as_str(),
                Reach::Totals => false,
            })
            .filter_map(|(r, t)| {
                Some(DisseminationRegionTally {
                    region: region_of(Some(r))?,
                    count: t.0,
                    people_reached: t.1,
                })
            })
            .collect();
        by_region.sort_by(|a, b| a.region.code.cmp(&b.region.code));
        s.by_region = by_region;
        s
    }
}

/// The dissemination summary of innovations `ids` for the caller; null for anonymous callers.
pub async fn summary(
    ctx: &Context<'_>,
    ids: &[ObjectId],
) -> async_graphql::Result<Option<DisseminationSummary>> {
    let Ok(reach) = access::rules::dissemination(auth::principal(ctx)) else {
        return Ok(None);
    };
    let found = ctx
        .data::<Loaders>()?
        .dissemination
        .load_many(ids.iter().copied())
        .await
        .or_internal()?;
    Ok(Some(DisseminationSummary::of(
        found.values().map(|c| &**c),
        reach,
    )))
}

/// The innovations of `project` the caller may see.
pub async fn project_innovations(
    ctx: &Context<'_>,
    project: ObjectId,
) -> async_graphql::Result<Vec<ObjectId>> {
    let db = ctx.data::<Database>()?;
    Ok(
        stats::innovations_of_project(db, project, auth::principal(ctx).visibility().filter())
            .await
            .or_internal()?,
    )
}

/// A sign of dissemination to record.
#[derive(InputObject)]
pub struct RecordDisseminationEventInput {
    /// What kind of sign it is.
    pub kind: KindGql,
    /// The innovations it concerns.
    pub innovations: Option<Vec<ID>>,
    /// The dissemination material it concerns.
    pub material: Option<ID>,
    /// The event it happened at.
    pub event: Option<ID>,
    /// The region reached (TERYT code); a partner may record for its own region only.
    pub region: Option<String>,
    /// The organization reached.
    pub organization: Option<ID>,
    /// How many people it reached (0 to 1,000,000).
    pub people: Option<i64>,
    /// When: a day (`2026-11-30`) or a Warsaw time (`2026-11-30T10:00`) or RFC 3339; now when
    /// absent.
    pub at: Option<String>,
    /// What or where: the outlet of a media mention, the title of a training.
    pub note: Option<String>,
    /// Your idempotency key: the same key (from the same API key) counts once, however often
    /// it is sent. A new one when absent.
    pub key: Option<String>,
}

/// The answer to a recorded sign of dissemination.
#[derive(SimpleObject)]
pub struct RecordDisseminationEventPayload {
    /// The record's idempotency key (yours, or the one made for it); null when refused.
    key: Option<String>,
    /// Whether the record was accepted; the worker counts it within seconds.
    accepted: bool,
    /// What was wrong with the input; nothing was recorded then.
    user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct DisseminationQuery;

#[Object]
impl DisseminationQuery {
    /// Dissemination statistics from the worker's counters: staff see every region; a partner
    /// its own region's (the filter's region must be its own or absent). Its cost follows the
    /// number of innovations, regions and months asked about, not the number of records.
    async fn dissemination_stats(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which records; all when absent.")] filter: Option<DisseminationFilter>,
        #[graphql(desc = "What the rows are grouped by; one row of totals when absent or empty.")]
        group_by: Option<Vec<GroupGql>>,
    ) -> async_graphql::Result<DisseminationStats> {
        let filter = filter.unwrap_or_default();
        let db = ctx.data::<Database>()?;
        let (filter, restricted) = resolve_filter(ctx, filter).await?;
        let group_by: Vec<GroupBy> = group_by
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect();
        let stats = stats::query(db, &filter, &group_by).await.or_internal()?;
        rows(ctx, stats, restricted).await
    }
}

/// The schema's filter for what the caller asked, with the caller's reach applied; whether
/// rows must be checked for innovations the caller may not see.
pub async fn resolve_filter(
    ctx: &Context<'_>,
    f: DisseminationFilter,
) -> async_graphql::Result<(Filter, bool)> {
    let who = auth::principal(ctx);
    let reach = access::rules::dissemination(who).map_err(ApiError::from)?;
    let db = ctx.data::<Database>()?;
    let region = reach
        .details_region(region_arg(f.region)?)
        .map_err(ApiError::from)?;
    let mut innovations: Option<Vec<ObjectId>> = None;
    if let Some(id) = &f.innovation {
        let id = ids::decode(id, Kind::Innovation)?;
        auth::readable(ctx, innovations::get(db, id).await.or_internal()?)?;
        innovations = Some(vec![id]);
    }
    if let Some(id) = &f.project {
        let id = ids::decode(id, Kind::Project)?;
        let _: Project = auth::readable(ctx, project::get(db, id).await.or_internal()?)?;
        let of_project = project_innovations(ctx, id).await?;
        innovations = Some(match innovations {
            Some(one) => one.into_iter().filter(|i| of_project.contains(i)).collect(),
            None => of_project,
        });
    }
    let month = |v: Option<String>, field: &str| {
        v.map(|v| {
            stats::parse_month(&v, FieldPath::root(field))
                .map_err(|e| ApiError::BadUserInput(format!("filter.{field}: {}", e.message)))
        })
        .transpose()
    };
    Ok((
        Filter {
            innovations,
            region: region.map(|r| r.as_str().to_owned()),
            kinds: f
                .kind
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            from: month(f.from, "from")?,
            to: month(f.to, "to")?,
        },
        !matches!(reach, Reach::Everything),
    ))
}

/// The rows as GraphQL objects, their innovations loaded at once; rows about innovations the
/// caller may not see are left out when `restricted` (and the total is of what is left).
pub async fn rows(
    ctx: &Context<'_>,
    stats: Stats,
    restricted: bool,
) -> async_graphql::Result<DisseminationStats> {
    let db = ctx.data::<Database>()?;
    let wanted: Vec<ObjectId> = stats.rows.iter().filter_map(|r| r.key.innovation).collect();
    let found: HashMap<ObjectId, Arc<Innovation>> = if wanted.is_empty() {
        HashMap::new()
    } else {
        innovations::find_many(db, &wanted)
            .await
            .or_internal()?
            .into_iter()
            .map(|i| (i.id, Arc::new(i)))
            .collect()
    };
    let mut dropped = false;
    let mut kept = Vec::new();
    for row in stats.rows {
        let innovation = row.key.innovation.and_then(|id| found.get(&id).cloned());
        if row.key.innovation.is_some()
            && restricted
            && !innovation.as_ref().is_some_and(|i| auth::sees(ctx, &**i))
        {
            dropped = true;
            continue;
        }
        kept.push(DisseminationRow { row, innovation });
    }
    let total = if dropped {
        let mut t = Row::default();
        let mut regions = BTreeSet::new();
        for r in &kept {
            t.count += r.row.count;
            t.people += r.row.people;
            t.adoptions += r.row.adoptions;
            regions.extend(r.row.regions.iter().cloned());
        }
        t.regions = regions;
        t
    } else {
        stats.total
    };
    Ok(DisseminationStats {
        rows: kept,
        total: DisseminationRow {
            row: total,
            innovation: None,
        },
    })
}

#[derive(Default)]
pub struct DisseminationMutation;

#[Object]
impl DisseminationMutation {
    /// Records a sign of dissemination (staff; a partner for its own region). It is accepted
    /// at once and counted by the worker; the same `key` counts once however often it is sent.
    async fn record_dissemination_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The sign, and your idempotency key.")]
        input: RecordDisseminationEventInput,
    ) -> async_graphql::Result<RecordDisseminationEventPayload> {
        auth::allow(ctx, Action::Write)?;
        let refuse = |errors: Vec<UserError>| RecordDisseminationEventPayload {
            key: None,
            accepted: false,
            user_errors: errors,
        };
        let mut refs = References::default();
        let innovation_ids = list_refs::<Innovation>(
            input.innovations.as_deref(),
            Kind::Innovation,
            "innovations",
            &mut refs,
        )?
        .unwrap_or_default();
        let material_id = one_ref::<Material>(
            input.material.as_ref(),
            Kind::Material,
            FieldPath::input("material"),
            &mut refs,
        )?;
        let event_id = one_ref::<Event>(
            input.event.as_ref(),
            Kind::Event,
            FieldPath::input("event"),
            &mut refs,
        )?;
        let organization_id = one_ref::<Organization>(
            input.organization.as_ref(),
            Kind::Organization,
            FieldPath::input("organization"),
            &mut refs,
        )?;
        let who = auth::principal(ctx);
        let record = match (NewRecord {
            kind: Some(input.kind.into()),
            innovation_ids,
            material_id,
            event_id,
            region: input.region,
            organization_id,
            people: input.people,
            at: input.at,
            note: input.note,
            key: input.key,
        })
        .validate(who.key_id(), chrono::Utc::now())
        {
            Ok(r) => r,
            Err(errors) => return Ok(refuse(user_errors(errors))),
        };
        auth::may_create_in(ctx, record.region)?;
        let missing = dangling(ctx, &refs).await?;
        if !missing.is_empty() {
            return Ok(refuse(missing));
        }
        let db = ctx.data::<Database>()?;
        ingest::publish(db, ctx.data::<JobQueue>()?, &record)
            .await
            .or_internal()?;
        Ok(RecordDisseminationEventPayload {
            key: Some(innohub_schema::dissemination::record::caller_key(&record.key).to_owned()),
            accepted: true,
            user_errors: Vec::new(),
        })
    }
}

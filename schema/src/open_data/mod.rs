//! Open data: the published catalogue as one schema.org JSON-LD document and as CSV tables,
//! for open-data portals, search engines and anyone reusing the hub's content.
//!
//! What is in it is exactly what an anonymous caller may see ([`Principal::Anonymous`]):
//! published projects, events and materials, the published innovations that are ready to
//! implement, the organizations they name and the regions they are in. [`load`] reads it in a
//! stable order (by id), so the same data always gives the same bytes (and the same ETag);
//! [`jsonld`] and [`csv`] are pure builders over the loaded [`Catalogue`].
//!
//! Node ids are absolute URLs under the api's public URL (`<public>/open-data/<kind>/<ObjectId
//! hex>#it`, regions by TERYT code); with no public URL configured they are URNs
//! (`urn:innohub:<kind>:<ObjectId hex>`), which depend on nothing a request says.

pub mod csv;
pub mod jsonld;

use std::collections::BTreeSet;

use bson::oid::ObjectId;
use bson::{Document, doc};
use chrono::{DateTime, SecondsFormat, Utc};
use futures::TryStreamExt;
use mongodb::{Collection, Database};
use serde::de::DeserializeOwned;

use crate::access::Principal;
use crate::event::Event;
use crate::event::store::{self as events, EventFilter};
use crate::innovation::store::{self as innovations, InnovationFilter};
use crate::innovation::{Innovation, Status};
use crate::material::{self, Material, MaterialFilter};
use crate::organization::{self, Organization};
use crate::project::{self, Project};
use crate::region::RegionCode;
use crate::store_error::{Context, StoreResult};

/// The licence of everything published here.
pub const LICENSE: &str = "https://creativecommons.org/licenses/by/4.0/";

/// The name of the data set.
pub const TITLE: &str = "innohub – katalog innowacji społecznych";

/// The published catalogue, each list ordered by id.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    pub innovations: Vec<Innovation>,
    pub projects: Vec<Project>,
    pub events: Vec<Event>,
    pub materials: Vec<Material>,
    /// The organizations the other objects name.
    pub organizations: Vec<Organization>,
}

/// One CSV table of the catalogue, and the file it is served as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Innovations,
    Projects,
    Events,
    Materials,
}

impl Table {
    pub const ALL: [Table; 4] = [
        Table::Innovations,
        Table::Projects,
        Table::Events,
        Table::Materials,
    ];

    /// The file name under `/open-data/`.
    pub fn file(self) -> &'static str {
        match self {
            Table::Innovations => "innovations.csv",
            Table::Projects => "projects.csv",
            Table::Events => "events.csv",
            Table::Materials => "materials.csv",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Table::Innovations => "Innowacje gotowe do wdrożenia",
            Table::Projects => "Projekty i ich dofinansowanie",
            Table::Events => "Wydarzenia",
            Table::Materials => "Materiały",
        }
    }
}

/// How the builders name things: node ids, and the api's addresses of downloads and pages.
pub struct Links<'a> {
    /// The api's public URL without a trailing slash; `None` when not configured.
    pub base: Option<String>,
    /// The api's path of a material's file, e.g. `/materials/<global id>/file`.
    pub material_file: &'a dyn Fn(ObjectId) -> String,
    /// The api's path of an event's page, e.g. `/events/<global id>`.
    pub event_page: &'a dyn Fn(ObjectId) -> String,
}

impl std::fmt::Debug for Links<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Links").field("base", &self.base).finish()
    }
}

impl<'a> Links<'a> {
    pub fn new(
        public_url: Option<&str>,
        material_file: &'a dyn Fn(ObjectId) -> String,
        event_page: &'a dyn Fn(ObjectId) -> String,
    ) -> Self {
        Self {
            base: public_url.map(|u| u.trim_end_matches('/').to_owned()),
            material_file,
            event_page,
        }
    }

    /// The stable id of an object: `<public>/open-data/<plural>/<key>#it` or
    /// `urn:innohub:<kind>:<key>`.
    fn node(&self, kind: &str, plural: &str, key: &str) -> String {
        match &self.base {
            Some(base) => format!("{base}/open-data/{plural}/{key}#it"),
            None => format!("urn:innohub:{kind}:{key}"),
        }
    }

    pub fn innovation(&self, id: ObjectId) -> String {
        self.node("innovation", "innovations", &id.to_hex())
    }

    pub fn project(&self, id: ObjectId) -> String {
        self.node("project", "projects", &id.to_hex())
    }

    pub fn event(&self, id: ObjectId) -> String {
        self.node("event", "events", &id.to_hex())
    }

    pub fn material(&self, id: ObjectId) -> String {
        self.node("material", "materials", &id.to_hex())
    }

    pub fn organization(&self, id: ObjectId) -> String {
        self.node("organization", "organizations", &id.to_hex())
    }

    pub fn region(&self, code: RegionCode) -> String {
        self.node("region", "regions", code.as_str())
    }

    /// The id of the data set itself.
    pub fn dataset(&self) -> String {
        match &self.base {
            Some(base) => format!("{base}/open-data/catalogue.jsonld#dataset"),
            None => "urn:innohub:dataset:catalogue".to_owned(),
        }
    }

    /// An api path made absolute when the public URL is known, left as a path otherwise.
    pub fn absolute(&self, path: &str) -> String {
        match &self.base {
            Some(base) => format!("{base}{path}"),
            None => path.to_owned(),
        }
    }
}

/// A time as open data writes it: RFC 3339 in UTC, whole seconds.
pub fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl Catalogue {
    /// When anything in the catalogue last changed; `None` when it is empty.
    pub fn modified(&self) -> Option<DateTime<Utc>> {
        let times = self
            .innovations
            .iter()
            .map(|i| i.updated_at)
            .chain(self.projects.iter().map(|p| p.updated_at))
            .chain(self.events.iter().map(|e| e.updated_at))
            .chain(self.materials.iter().map(|m| m.updated_at))
            .chain(self.organizations.iter().map(|o| o.updated_at));
        times.max()
    }

    /// The regions any object is in, by code.
    pub fn regions(&self) -> Vec<RegionCode> {
        let mut codes: Vec<RegionCode> = self
            .innovations
            .iter()
            .filter_map(|i| i.region)
            .chain(self.projects.iter().filter_map(|p| p.region))
            .chain(self.events.iter().filter_map(|e| e.region))
            .chain(self.materials.iter().filter_map(|m| m.region))
            .chain(self.organizations.iter().filter_map(|o| o.region))
            .collect();
        codes.sort_by_key(|r| r.as_str());
        codes.dedup();
        codes
    }

    pub fn has_project(&self, id: ObjectId) -> bool {
        self.projects.iter().any(|p| p.id == id)
    }

    pub fn has_innovation(&self, id: ObjectId) -> bool {
        self.innovations.iter().any(|i| i.id == id)
    }

    pub fn organization(&self, id: ObjectId) -> Option<&Organization> {
        self.organizations.iter().find(|o| o.id == id)
    }
}

/// Every document of `collection` matching `filter`, by id.
async fn all<T>(collection: Collection<T>, filter: Document) -> StoreResult<Vec<T>>
where
    T: DeserializeOwned + Send + Sync,
{
    collection
        .find(filter)
        .sort(doc! { "_id": 1 })
        .await
        .context("Failed to find open data")?
        .try_collect()
        .await
        .context("Failed to read open data")
}

/// The published catalogue, as an anonymous caller may see it.
pub async fn load(db: &Database) -> StoreResult<Catalogue> {
    let seen = Principal::Anonymous.visibility();
    let ready = InnovationFilter {
        statuses: vec![Status::ReadyToImplement],
        ..InnovationFilter::default()
    };
    let innovations = all(innovations::collection(db), ready.to_document(&seen)).await?;
    let projects = all(project::collection(db), project::filter(&seen, None)).await?;
    let mut events = events::find_many(db, EventFilter::default().to_document(&seen)).await?;
    events.sort_by_key(|e| e.id);
    let materials = all(
        material::collection(db),
        MaterialFilter::default().to_document(&seen),
    )
    .await?;
    let named: BTreeSet<ObjectId> = innovations
        .iter()
        .filter_map(|i| i.innovator.organization_id)
        .chain(
            projects
                .iter()
                .flat_map(|p| p.implementer_id.iter().chain(&p.partner_ids).copied()),
        )
        .chain(events.iter().flat_map(|e| e.organizer_ids.iter().copied()))
        .collect();
    let mut organizations = if named.is_empty() {
        Vec::new()
    } else {
        organization::find_many(db, &named.into_iter().collect::<Vec<_>>()).await?
    };
    organizations.sort_by_key(|o| o.id);
    Ok(Catalogue {
        innovations,
        projects,
        events,
        materials,
        organizations,
    })
}

/// One object of the catalogue, for its own URL (`/open-data/<plural>/<id>`): its JSON-LD node
/// with the context, and its CSV row. `None` when it is not in the published catalogue.
pub fn object(
    c: &Catalogue,
    table: Table,
    id: ObjectId,
    links: &Links<'_>,
) -> Option<(serde_json::Value, csv::Rows)> {
    let node_id = match table {
        Table::Innovations => links.innovation(id),
        Table::Projects => links.project(id),
        Table::Events => links.event(id),
        Table::Materials => links.material(id),
    };
    let document = jsonld::document(c, links);
    let mut node = document["@graph"]
        .as_array()?
        .iter()
        .find(|n| n["@id"] == node_id.as_str())?
        .clone();
    if let serde_json::Value::Object(o) = &mut node {
        o.insert("@context".into(), serde_json::json!("https://schema.org"));
    }
    let mut rows = csv::table(c, table, links);
    let key = id.to_hex();
    rows.rows.retain(|r| r.first() == Some(&key));
    Some((node, rows))
}

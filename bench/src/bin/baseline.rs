//! `innohub-bench-baseline`: the floor the api is measured against.
//!
//! `--scenario list` issues, with the MongoDB driver and nothing else, the reads the api makes
//! for one anonymous `innovations(first: 20, filter: { status: [READY_TO_IMPLEMENT] })` page
//! with nested project, implementer, innovator organization and materials, and `totalCount`; in the
//! api's order (see `list_innovations` and `prefetch` in api/src/graphql/innovations.rs and
//! `ProjectLoader` in api/src/graphql/loaders.rs):
//!
//! 1. the page: `{ published: true, status: { $in: [READY_TO_IMPLEMENT] } }` sorted
//!    `{ updated_at: -1, _id: -1 }`, limit 21 (one more tells whether a next page exists);
//! 2. concurrently, the page's projects by `_id $in` and the page's materials by
//!    `innovation_ids $in`;
//! 3. the organizations those rows name (innovators', implementers'), by `_id $in`;
//! 4. `count_documents` of the page's filter.
//!
//! Documents are decoded into the same domain types the api decodes them into, through a
//! client configured as the api's. What the api adds on top — HTTP, GraphQL parsing,
//! validation and execution, JSON — is then the difference between the two figures.
//!
//! `--scenario page` issues the first of those reads alone: the floor of any page.
//!
//! `--scenario search` builds the api's search index in this process from the same catalogue
//! (the documents are flattened as in api/src/search_sync.rs) and times `SearchIndex::search`
//! alone: the in-process cost of a search at this catalogue size.
//!
//! Both run in the closed-loop harness of the HTTP load driver (`innohub_bench::run`) and print
//! one JSON line.

use std::collections::HashSet;
use std::hint::black_box;

use anyhow::Context;
use bson::oid::ObjectId;
use bson::{Document, doc};
use clap::{Parser, ValueEnum};
use futures::TryStreamExt;
use innohub_bench::{LoadArgs, MongoArgs, Worker, run, run_counted};
use innohub_schema::db::collections;
use innohub_schema::innovation::{Innovation, Status};
use innohub_schema::material::Material;
use innohub_schema::organization::Organization;
use innohub_schema::project::Project;
use innohub_search::{DocKind, SearchDoc, SearchIndex, SearchQuery};
use mongodb::{Collection, Database};

#[derive(Parser)]
#[command(
    name = "innohub-bench-baseline",
    about = "Raw-driver baseline of the api's reads"
)]
struct Cli {
    #[command(flatten)]
    load: LoadArgs,
    #[command(flatten)]
    mongo: MongoArgs,
    #[arg(long, value_enum, default_value_t = Scenario::List)]
    scenario: Scenario,
    /// The search scenario's words.
    #[arg(long, env = "BENCH_SEARCH_QUERY", default_value = "usługi opiekuńcze")]
    query: String,
}

#[derive(Clone, Copy, ValueEnum)]
enum Scenario {
    List,
    /// The page query alone (`find` with the filter, sort and limit 21).
    Page,
    Search,
}

const PAGE: i64 = 20;

/// The reads of one ReadyPage; cheap to clone (collections share the client).
#[derive(Clone)]
struct ListWorker {
    innovations: Collection<Innovation>,
    projects: Collection<Project>,
    organizations: Collection<Organization>,
    materials: Collection<Material>,
}

impl ListWorker {
    fn new(db: &Database) -> Self {
        Self {
            innovations: db.collection(collections::INNOVATIONS),
            projects: db.collection(collections::PROJECTS),
            organizations: db.collection(collections::ORGANIZATIONS),
            materials: db.collection(collections::MATERIALS),
        }
    }
}

impl Worker for ListWorker {
    async fn call(&mut self) -> anyhow::Result<()> {
        let filter = ready_filter();
        // 1. The page.
        let mut page: Vec<Innovation> = self
            .innovations
            .find(filter.clone())
            .sort(doc! { "updated_at": -1, "_id": -1 })
            .limit(PAGE + 1)
            .await?
            .try_collect()
            .await?;
        page.truncate(PAGE as usize);
        anyhow::ensure!(
            !page.is_empty(),
            "no READY_TO_IMPLEMENT innovations; run the generator"
        );

        // 2. Its projects (the ProjectLoader) and its materials (the MaterialsByInnovation
        //    loader), concurrently. ReadyPage reads no target, so no status counts.
        let project_ids: Vec<ObjectId> = unique(page.iter().filter_map(|i| i.project_id));
        let find_projects = async {
            let found: Vec<Project> = self
                .projects
                .find(doc! { "_id": { "$in": &project_ids } })
                .await?
                .try_collect()
                .await?;
            anyhow::Ok(found)
        };
        let page_ids: Vec<ObjectId> = page.iter().map(|i| i.id).collect();
        let find_materials = async {
            let found: Vec<Material> = self
                .materials
                .find(doc! { "innovation_ids": { "$in": &page_ids } })
                .sort(doc! { "_id": 1 })
                .await?
                .try_collect()
                .await?;
            anyhow::Ok(found)
        };
        let (projects, materials) = tokio::try_join!(find_projects, find_materials)?;

        // 3. Every organization the page shows (implementers and innovators; ReadyPage reads
        //    no partner), in one query (the OrganizationLoader).
        let org_ids = unique(
            projects
                .iter()
                .filter_map(|p| p.implementer_id)
                .chain(page.iter().filter_map(|i| i.innovator.organization_id)),
        );
        let orgs: Vec<Organization> = self
            .organizations
            .find(doc! { "_id": { "$in": &org_ids } })
            .await?
            .try_collect()
            .await?;

        // 4. totalCount.
        let total = self.innovations.count_documents(filter).await?;

        black_box((page, projects, materials, orgs, total));
        Ok(())
    }
}

/// The page query alone: the one read no answer can do without.
#[derive(Clone)]
struct PageWorker(Collection<Innovation>);

impl Worker for PageWorker {
    async fn call(&mut self) -> anyhow::Result<()> {
        let page: Vec<Innovation> = self
            .0
            .find(ready_filter())
            .sort(doc! { "updated_at": -1, "_id": -1 })
            .limit(PAGE + 1)
            .await?
            .try_collect()
            .await?;
        anyhow::ensure!(
            !page.is_empty(),
            "no READY_TO_IMPLEMENT innovations; run the generator"
        );
        black_box(page);
        Ok(())
    }
}

/// What an anonymous caller's `filter: { status: [READY_TO_IMPLEMENT] }` becomes.
fn ready_filter() -> Document {
    doc! {
        "published": true,
        "status": { "$in": [Status::ReadyToImplement.as_str()] },
    }
}

fn unique(ids: impl Iterator<Item = ObjectId>) -> Vec<ObjectId> {
    let mut seen = HashSet::new();
    ids.filter(|id| seen.insert(*id)).collect()
}

/// One search of the in-process index, on the blocking pool as a request handler would run it.
struct SearchWorker {
    index: SearchIndex,
    query: SearchQuery,
}

impl Worker for SearchWorker {
    async fn call(&mut self) -> anyhow::Result<()> {
        let (index, query) = (self.index.clone(), self.query.clone());
        let page = tokio::task::spawn_blocking(move || index.search(&query)).await??;
        anyhow::ensure!(page.total > 0, "the search found nothing");
        black_box(page);
        Ok(())
    }
}

/// The catalogue's search documents, flattened as api/src/search_sync.rs does.
async fn search_docs(db: &Database) -> anyhow::Result<Vec<SearchDoc>> {
    let mut docs: Vec<SearchDoc> = db
        .collection::<Innovation>(collections::INNOVATIONS)
        .find(doc! {})
        .await?
        .map_ok(|i| {
            let mut body = vec![i.summary.as_str()];
            body.extend(i.problem.as_deref());
            body.extend(i.solution.as_deref());
            body.push(&i.innovator.name);
            SearchDoc {
                id: i.id.to_hex(),
                kind: DocKind::Innovation,
                body: body.join("\n"),
                title: i.title,
                tags: i.tags,
                published: i.published,
                region: i.region.map(|r| r.as_str().to_owned()),
            }
        })
        .try_collect()
        .await
        .context("Failed to read innovations")?;
    let projects: Vec<SearchDoc> = db
        .collection::<Project>(collections::PROJECTS)
        .find(doc! {})
        .await?
        .map_ok(|p| {
            let mut body = vec![p.programme.as_str()];
            body.extend(p.measure.as_deref());
            body.extend(p.description.as_deref());
            SearchDoc {
                id: p.id.to_hex(),
                kind: DocKind::Project,
                body: body.join("\n"),
                title: p.title,
                tags: Vec::new(),
                published: p.published,
                region: p.region.map(|r| r.as_str().to_owned()),
            }
        })
        .try_collect()
        .await
        .context("Failed to read projects")?;
    docs.extend(projects);
    Ok(docs)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let (db, commands) = cli.mongo.connect_counted("innohub-bench-baseline").await?;
    let n = cli.load.connections;
    let report = match cli.scenario {
        Scenario::List => {
            let worker = ListWorker::new(&db);
            run_counted(
                "baseline: list (driver)",
                &cli.load,
                vec![worker; n],
                &commands,
            )
            .await?
        }
        Scenario::Page => {
            let worker = PageWorker(db.collection(collections::INNOVATIONS));
            run_counted(
                "baseline: page query alone (driver)",
                &cli.load,
                vec![worker; n],
                &commands,
            )
            .await?
        }
        Scenario::Search => {
            let docs = search_docs(&db).await?;
            let count = docs.len();
            let index = SearchIndex::new()?;
            let indexing = index.clone();
            tokio::task::spawn_blocking(move || indexing.upsert_many(docs)).await??;
            eprintln!("baseline: indexed {count} documents in this process");
            let query = SearchQuery::new(cli.query.clone(), PAGE as usize);
            let workers = (0..n)
                .map(|_| SearchWorker {
                    index: index.clone(),
                    query: query.clone(),
                })
                .collect();
            run("in-process: search index", &cli.load, workers).await?
        }
    };
    report.print()
}

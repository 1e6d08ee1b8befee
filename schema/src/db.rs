//! The MongoDB side: connecting, the collections, and the indexes every collection needs.
//!
//! Indexes are declared once, here, and created at start-up by both binaries. Creating an index
//! that already exists with the same definition is a no-op in MongoDB, so starting any number of
//! processes at once is safe.

use std::time::Duration;

use anyhow::Context;
use bson::{Document, doc};
use mongodb::options::{ClientOptions, IndexOptions};
use mongodb::{Client, Database, IndexModel};

use crate::config::CoreSettings;

/// Collection names, in one place so a typo cannot create a second collection.
pub mod collections {
    pub const INNOVATIONS: &str = "innovations";
    pub const PROJECTS: &str = "projects";
    pub const ORGANIZATIONS: &str = "organizations";
    pub const MATERIALS: &str = "materials";
    pub const EVENTS: &str = "events";
    pub const REGISTRATIONS: &str = "registrations";
    pub const ERASURES: &str = "erasures";
    pub const REGISTRATION_CLAIMS: &str = "registration_claims";
    pub const API_KEYS: &str = "api_keys";
    pub const STATISTICS: &str = "statistics";
    pub const JOB_RUNS: &str = "job_runs";
    pub const OUTBOX: &str = "outbox";
    pub const MAILINGS: &str = "mailings";
    pub const UNSUBSCRIBES: &str = "unsubscribes";
    pub const THEMATIC_GROUPS: &str = "thematic_groups";
    pub const AGREEMENTS: &str = "agreements";
    pub const HANDBOOKS: &str = "handbooks";
    pub const DISSEMINATION_EVENTS: &str = "dissemination_events";
    pub const DISSEMINATION_COUNTERS: &str = "dissemination_counters";
    pub const ADOPTIONS: &str = "adoptions";
    /// One counter document per change feed (`sync`).
    pub const SYNC_FEEDS: &str = "sync_feeds";
    pub const WEBHOOK_ENDPOINTS: &str = "webhook_endpoints";
    /// One notice for one endpoint, with its attempts.
    pub const WEBHOOK_DELIVERIES: &str = "webhook_deliveries";
    /// What each endpoint was last told about each document (how a change is named).
    pub const WEBHOOK_SUBJECTS: &str = "webhook_subjects";
    /// Calls for ideas, with their budget counters.
    pub const CALLS: &str = "calls";
    /// Ideas submitted to calls, with their experts' evaluations and the decision.
    pub const SUBMISSIONS: &str = "submissions";
    /// Questions asked at the consultation point, and their answers.
    pub const QUESTIONS: &str = "questions";
    /// Mentoring, training, consultations and coaching given to innovators.
    pub const SUPPORT_SESSIONS: &str = "support_sessions";
    /// One counter per project: its innovations by stage (`innovation::counts`).
    pub const PROJECT_COUNTS: &str = "project_counts";
}

/// Connects to MongoDB and checks the server answers, so a wrong URI fails at start with a
/// clear message instead of on the first request.
pub async fn connect(settings: &CoreSettings, app_name: &str) -> anyhow::Result<Database> {
    let options = client_options(&settings.mongo_uri, app_name).await?;
    connect_with(options, &settings.database).await
}

/// The client options [`connect`] uses: the URI's, with the hub's name for the client and
/// bounded timeouts where the URI sets none.
pub async fn client_options(mongo_uri: &str, app_name: &str) -> anyhow::Result<ClientOptions> {
    let mut options = ClientOptions::parse(mongo_uri)
        .await
        .context("Failed to parse INNOHUB_MONGO_URI")?;
    options.app_name = Some(app_name.to_owned());
    options
        .server_selection_timeout
        .get_or_insert(Duration::from_secs(10));
    options
        .connect_timeout
        .get_or_insert(Duration::from_secs(5));
    Ok(options)
}

/// Like [`connect`], for callers that adjust the client options first (tests attach a command
/// monitor this way).
pub async fn connect_with(options: ClientOptions, database: &str) -> anyhow::Result<Database> {
    let client = Client::with_options(options).context("Failed to build the MongoDB client")?;
    let db = client.database(database);
    ping(&db).await.context("Failed to reach MongoDB")?;
    Ok(db)
}

/// Whether a write failed only because a unique index already holds the key: how the hub's
/// claims (an address for an event, a message for a recipient) tell "someone was first" from a
/// real failure.
pub fn is_duplicate_key(e: &mongodb::error::Error) -> bool {
    use mongodb::error::{ErrorKind, WriteFailure};
    match &*e.kind {
        ErrorKind::Write(WriteFailure::WriteError(w)) => w.code == 11000,
        ErrorKind::Command(c) => c.code == 11000,
        ErrorKind::InsertMany(i) => i
            .write_errors
            .as_ref()
            .is_some_and(|w| w.iter().all(|w| w.code == 11000)),
        _ => false,
    }
}

/// One cheap round trip; used at start and by the readiness check.
pub async fn ping(db: &Database) -> mongodb::error::Result<()> {
    db.run_command(doc! { "ping": 1 }).await.map(drop)
}

struct IndexSpec {
    collection: &'static str,
    name: &'static str,
    keys: fn() -> Document,
    unique: bool,
}

/// Every index the hub relies on. Names are explicit so a changed definition shows up as a
/// conflict at start rather than as a silent second index.
const INDEXES: &[IndexSpec] = &[
    // The catalogue's listings: filtered by visibility and status, paged in each sort order.
    IndexSpec {
        collection: collections::INNOVATIONS,
        name: "status_updated_at",
        keys: || doc! { "status": 1, "updated_at": -1, "_id": -1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::INNOVATIONS,
        name: "updated_at",
        keys: || doc! { "updated_at": -1, "_id": -1 },
        unique: false,
    },
    // Innovations whose project counters are not yet told of their last change.
    IndexSpec {
        collection: collections::INNOVATIONS,
        name: "counted_dirty",
        keys: || doc! { "counted.dirty": 1, "updated_at": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::INNOVATIONS,
        name: "title",
        keys: || doc! { "title": 1, "_id": 1 },
        unique: false,
    },
    // One declaration per organization and innovation; an innovation's adoptions in order.
    IndexSpec {
        collection: collections::ADOPTIONS,
        name: "innovation_organization_unique",
        keys: || doc! { "innovation_id": 1, "organization_id": 1 },
        unique: true,
    },
    IndexSpec {
        collection: collections::ADOPTIONS,
        name: "innovation_declared_at",
        keys: || doc! { "innovation_id": 1, "declared_at": 1, "_id": 1 },
        unique: false,
    },
    // A call's submissions in order; an innovation's submission; an expert's assignments;
    // the links of mail (by token) and decisions a process left unfinished.
    IndexSpec {
        collection: collections::SUBMISSIONS,
        name: "call_submitted_at",
        keys: || doc! { "call_id": 1, "submitted_at": 1, "_id": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::SUBMISSIONS,
        name: "innovation_unique",
        keys: || doc! { "innovation_id": 1 },
        unique: true,
    },
    IndexSpec {
        collection: collections::SUBMISSIONS,
        name: "experts",
        keys: || doc! { "experts": 1, "submitted_at": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::SUBMISSIONS,
        name: "status_token_hash",
        keys: || doc! { "status_token_hash": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::SUBMISSIONS,
        name: "pending_since",
        keys: || doc! { "pending_since": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::QUESTIONS,
        name: "call_asked_at",
        keys: || doc! { "call_id": 1, "asked_at": -1, "_id": -1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::SUPPORT_SESSIONS,
        name: "innovation_on",
        keys: || doc! { "innovation_id": 1, "on": 1, "_id": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::SUPPORT_SESSIONS,
        name: "call_on",
        keys: || doc! { "call_id": 1, "on": 1 },
        unique: false,
    },
    // The change feeds: pages in position order (`sync`).
    IndexSpec {
        collection: collections::INNOVATIONS,
        name: "sync_position",
        keys: || doc! { "sync.seq": 1, "_id": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::MATERIALS,
        name: "sync_position",
        keys: || doc! { "sync.seq": 1, "_id": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::EVENTS,
        name: "sync_position",
        keys: || doc! { "sync.seq": 1, "_id": 1 },
        unique: false,
    },
    // Project pages and target progress (counts by project and status).
    IndexSpec {
        collection: collections::INNOVATIONS,
        name: "project_status",
        keys: || doc! { "project_id": 1, "status": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::INNOVATIONS,
        name: "region",
        keys: || doc! { "region": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::INNOVATIONS,
        name: "tags",
        keys: || doc! { "tags": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::ORGANIZATIONS,
        name: "name",
        keys: || doc! { "name": 1, "_id": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::PROJECTS,
        name: "region",
        keys: || doc! { "region": 1 },
        unique: false,
    },
    // Events: the calendar listing, by start; thematic-group meetings; partner regions.
    IndexSpec {
        collection: collections::EVENTS,
        name: "starts_at",
        keys: || doc! { "starts_at": 1, "_id": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::EVENTS,
        name: "thematic_group",
        keys: || doc! { "thematic_group_id": 1, "starts_at": 1 },
        unique: false,
    },
    // Where an innovation or a material was presented.
    IndexSpec {
        collection: collections::EVENTS,
        name: "presented_innovations",
        keys: || doc! { "presented_innovation_ids": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::EVENTS,
        name: "materials",
        keys: || doc! { "material_ids": 1 },
        unique: false,
    },
    // The outbox: one message per key; what is due, oldest first; a registration's or a
    // mailing's messages; the message behind an unsubscribe link; a person's messages.
    // A notice is written once per endpoint and change; the worker finds due ones; GraphQL
    // lists an endpoint's newest first.
    IndexSpec {
        collection: collections::WEBHOOK_DELIVERIES,
        name: "key_unique",
        keys: || doc! { "key": 1 },
        unique: true,
    },
    IndexSpec {
        collection: collections::WEBHOOK_DELIVERIES,
        name: "status_due",
        keys: || doc! { "status": 1, "due_at": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::WEBHOOK_DELIVERIES,
        name: "endpoint",
        keys: || doc! { "endpoint_id": 1, "_id": -1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::WEBHOOK_ENDPOINTS,
        name: "owner",
        keys: || doc! { "owner": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::WEBHOOK_SUBJECTS,
        name: "endpoint",
        keys: || doc! { "endpoint_id": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::OUTBOX,
        name: "key_unique",
        keys: || doc! { "key": 1 },
        unique: true,
    },
    IndexSpec {
        collection: collections::OUTBOX,
        name: "status_due",
        keys: || doc! { "status": 1, "due_at": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::OUTBOX,
        name: "registration",
        keys: || doc! { "about.registration_id": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::OUTBOX,
        name: "mailing",
        keys: || doc! { "about.mailing_id": 1, "_id": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::OUTBOX,
        name: "unsubscribe_token",
        keys: || doc! { "unsubscribe_token": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::OUTBOX,
        name: "recipient",
        keys: || doc! { "to.email": 1 },
        unique: false,
    },
    // Mailings: what is due; an event's mailings, which follow it when it moves.
    IndexSpec {
        collection: collections::MAILINGS,
        name: "status_due",
        keys: || doc! { "status": 1, "due_at": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::MAILINGS,
        name: "event",
        keys: || doc! { "event_id": 1 },
        unique: false,
    },
    // Which registration holds a claim on an address, to release it.
    IndexSpec {
        collection: collections::REGISTRATION_CLAIMS,
        name: "registration",
        keys: || doc! { "registration_id": 1 },
        unique: false,
    },
    // The waiting list, oldest first; counts per event.
    IndexSpec {
        collection: collections::REGISTRATIONS,
        name: "event_status_created",
        keys: || doc! { "event_id": 1, "status": 1, "created_at": 1, "_id": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::REGISTRATIONS,
        name: "cancel_token_unique",
        keys: || doc! { "cancel_token_hash": 1 },
        unique: true,
    },
    IndexSpec {
        collection: collections::REGISTRATIONS,
        name: "email",
        keys: || doc! { "email": 1 },
        unique: false,
    },
    // Thematic groups: listed by name, per project; members found by e-mail for the
    // personal-data export and erasure.
    IndexSpec {
        collection: collections::THEMATIC_GROUPS,
        name: "name",
        keys: || doc! { "name": 1, "_id": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::THEMATIC_GROUPS,
        name: "project",
        keys: || doc! { "project_id": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::THEMATIC_GROUPS,
        name: "member_email",
        keys: || doc! { "members.person.email": 1 },
        unique: false,
    },
    // Cooperation agreements: listed by title, per project and per party.
    IndexSpec {
        collection: collections::AGREEMENTS,
        name: "title",
        keys: || doc! { "title": 1, "_id": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::AGREEMENTS,
        name: "project",
        keys: || doc! { "project_id": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::AGREEMENTS,
        name: "parties",
        keys: || doc! { "party_ids": 1 },
        unique: false,
    },
    // Handbook versions: one number per material, listed newest first.
    IndexSpec {
        collection: collections::HANDBOOKS,
        name: "material_number_unique",
        keys: || doc! { "material_id": 1, "number": 1 },
        unique: true,
    },
    // Dissemination: the records the api wrote while Redis was away, still to be counted;
    // the raw records of an innovation, for a recount and the benchmark's baseline; the
    // counters a statistics query reads, by level, innovation and month.
    IndexSpec {
        collection: collections::DISSEMINATION_EVENTS,
        name: "counted",
        keys: || doc! { "counted": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::DISSEMINATION_EVENTS,
        name: "innovation_at",
        keys: || doc! { "innovation_ids": 1, "at": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::DISSEMINATION_COUNTERS,
        name: "level_innovation_month",
        keys: || doc! { "level": 1, "innovation": 1, "month": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::DISSEMINATION_COUNTERS,
        name: "level_month",
        keys: || doc! { "level": 1, "month": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::JOB_RUNS,
        name: "status_enqueued_at",
        keys: || doc! { "status": 1, "enqueued_at": 1 },
        unique: false,
    },
    IndexSpec {
        // The worker's sweep looks for erasures left pending on every pass.
        collection: collections::ERASURES,
        name: "status_at",
        keys: || doc! { "status": 1, "at": 1 },
        unique: false,
    },
    IndexSpec {
        // A data export lists the erasures asked for an address, by its hash.
        collection: collections::ERASURES,
        name: "email_sha256",
        keys: || doc! { "email_sha256": 1 },
        unique: false,
    },
    IndexSpec {
        collection: collections::API_KEYS,
        name: "hash_unique",
        keys: || doc! { "hash": 1 },
        unique: true,
    },
];

/// Creates every declared index; idempotent.
pub async fn ensure_indexes(db: &Database) -> anyhow::Result<()> {
    for spec in INDEXES {
        let model = IndexModel::builder()
            .keys((spec.keys)())
            .options(
                IndexOptions::builder()
                    .name(spec.name.to_owned())
                    .unique(spec.unique.then_some(true))
                    .build(),
            )
            .build();
        db.collection::<Document>(spec.collection)
            .create_index(model)
            .await
            .with_context(|| format!("Failed to create index {}.{}", spec.collection, spec.name))?;
    }
    Ok(())
}

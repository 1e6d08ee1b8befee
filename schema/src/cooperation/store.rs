//! Thematic groups and cooperation agreements in MongoDB.
//!
//! Every change is checked in full before anything is written: the record's own rules
//! ([`ThematicGroup::create`], [`CooperationAgreement::update`], …) and that the organizations,
//! projects and events it names exist, all problems reported together. The caller then
//! authorises the checked record (its region may have changed) and writes it. Writes replace
//! the document only if it still has the `updated_at` the caller read, so two editors changing
//! the same group at once (say, both adding a member) cannot silently undo each other.

use bson::oid::ObjectId;
use bson::{Document, doc};
use chrono::{DateTime, Utc};
use mongodb::options::ReturnDocument;
use mongodb::{Collection, Database};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::agreement::{AgreementFields, AgreementStatus, CooperationAgreement};
use super::group::{GroupFields, Member, MemberFields, ThematicGroup};
use crate::access::{Principal, Visibility};
use crate::db::collections;
use crate::error::{DomainError, FieldPath};
use crate::event::Event;
use crate::organization::Organization;
use crate::project::Project;
use crate::references::References;
use crate::region::RegionCode;
use crate::store_error::{Context, StoreResult};

/// A check that found nothing wrong gives the record, otherwise every problem.
pub type Checked<T> = Result<T, Vec<DomainError>>;

pub fn groups(db: &Database) -> Collection<ThematicGroup> {
    db.collection(collections::THEMATIC_GROUPS)
}

pub fn agreements(db: &Database) -> Collection<CooperationAgreement> {
    db.collection(collections::AGREEMENTS)
}

/// The problem reported when a record changed between reading and writing it.
pub fn changed_meanwhile(field: FieldPath) -> DomainError {
    DomainError::invalid(field, "it was changed meanwhile; reload it and try again")
}

fn project_ref(refs: &mut References, project_id: Option<Option<ObjectId>>) {
    refs.add::<Project>(FieldPath::input("project"), project_id.flatten());
}

/// A new group, checked, with its first members.
pub async fn new_group(
    db: &Database,
    who: &Principal,
    fields: GroupFields,
    members: Vec<MemberFields>,
) -> StoreResult<Checked<ThematicGroup>> {
    let mut refs = References::default();
    refs.add::<Organization>(FieldPath::input("convener"), fields.convener_id);
    project_ref(&mut refs, fields.project_id);
    for (i, m) in members.iter().enumerate() {
        refs.add::<Organization>(
            FieldPath::input("members").index(i).child("organization"),
            m.organization_id,
        );
    }
    refs.verify(db, who, ThematicGroup::create(fields, members))
        .await
}

/// `current` with `fields` applied, checked.
pub async fn changed_group(
    db: &Database,
    who: &Principal,
    current: &ThematicGroup,
    fields: GroupFields,
) -> StoreResult<Checked<ThematicGroup>> {
    let mut refs = References::default();
    refs.add::<Organization>(FieldPath::input("convener"), fields.convener_id);
    project_ref(&mut refs, fields.project_id);
    refs.verify(db, who, current.update(fields)).await
}

/// `current` with one more member, checked; and that member.
pub async fn group_with_member(
    db: &Database,
    who: &Principal,
    current: &ThematicGroup,
    fields: MemberFields,
) -> StoreResult<Checked<(ThematicGroup, Member)>> {
    let mut refs = References::default();
    refs.add::<Organization>(FieldPath::input("organization"), fields.organization_id);
    refs.verify(db, who, current.add_member(fields)).await
}

/// A new agreement, checked.
pub async fn new_agreement(
    db: &Database,
    who: &Principal,
    fields: AgreementFields,
) -> StoreResult<Checked<CooperationAgreement>> {
    let refs = agreement_refs(&fields);
    refs.verify(db, who, CooperationAgreement::create(fields))
        .await
}

/// `current` with `fields` applied, checked.
pub async fn changed_agreement(
    db: &Database,
    who: &Principal,
    current: &CooperationAgreement,
    fields: AgreementFields,
) -> StoreResult<Checked<CooperationAgreement>> {
    let refs = agreement_refs(&fields);
    refs.verify(db, who, current.update(fields)).await
}

fn agreement_refs(fields: &AgreementFields) -> References {
    let mut refs = References::default();
    for (i, id) in fields.party_ids.iter().flatten().enumerate() {
        refs.add::<Organization>(FieldPath::input("parties").index(i), Some(*id));
    }
    project_ref(&mut refs, fields.project_id);
    refs.add::<Event>(
        FieldPath::input("signingEvent"),
        fields.signing_event_id.flatten(),
    );
    refs
}

async fn insert<T: Serialize + Send + Sync>(coll: &Collection<T>, record: &T) -> StoreResult<()> {
    coll.insert_one(record)
        .await
        .with_context(|| format!("Failed to insert into {}", coll.name()))?;
    Ok(())
}

async fn get<T: DeserializeOwned + Send + Sync>(
    coll: &Collection<T>,
    id: ObjectId,
) -> StoreResult<Option<T>> {
    coll.find_one(doc! { "_id": id })
        .await
        .with_context(|| format!("Failed to read from {}", coll.name()))
}

/// Replaces the stored record if it still has the `updated_at` the caller read; `None` when it
/// was changed (or removed) meanwhile.
async fn replace<T: Serialize + DeserializeOwned + Send + Sync>(
    coll: &Collection<T>,
    id: ObjectId,
    record: &T,
    read_at: DateTime<Utc>,
) -> StoreResult<Option<T>> {
    coll.find_one_and_replace(
        doc! { "_id": id, "updated_at": bson::DateTime::from_chrono(read_at) },
        record,
    )
    .return_document(ReturnDocument::After)
    .await
    .with_context(|| format!("Failed to update {}", coll.name()))
}

pub async fn insert_group(db: &Database, group: &ThematicGroup) -> StoreResult<()> {
    insert(&groups(db), group).await
}

pub async fn get_group(db: &Database, id: ObjectId) -> StoreResult<Option<ThematicGroup>> {
    get(&groups(db), id).await
}

pub async fn replace_group(
    db: &Database,
    group: &ThematicGroup,
    read_at: DateTime<Utc>,
) -> StoreResult<Option<ThematicGroup>> {
    replace(&groups(db), group.id, group, read_at).await
}

pub async fn insert_agreement(db: &Database, agreement: &CooperationAgreement) -> StoreResult<()> {
    insert(&agreements(db), agreement).await
}

pub async fn get_agreement(
    db: &Database,
    id: ObjectId,
) -> StoreResult<Option<CooperationAgreement>> {
    get(&agreements(db), id).await
}

pub async fn replace_agreement(
    db: &Database,
    agreement: &CooperationAgreement,
    read_at: DateTime<Utc>,
) -> StoreResult<Option<CooperationAgreement>> {
    replace(&agreements(db), agreement.id, agreement, read_at).await
}

/// Groups visible with `visibility`, optionally of one region or project.
pub fn group_filter(
    visibility: &Visibility,
    region: Option<RegionCode>,
    project_id: Option<ObjectId>,
) -> Document {
    let mut f = visibility.filter();
    if let Some(r) = region {
        f.insert("region", r.as_str());
    }
    if let Some(p) = project_id {
        f.insert("project_id", p);
    }
    f
}

/// Typed agreement filters: ids and domain values only, so nothing typed can become an operator.
#[derive(Debug, Clone, Default)]
pub struct AgreementFilter {
    pub project_id: Option<ObjectId>,
    pub party_id: Option<ObjectId>,
    pub status: Option<AgreementStatus>,
    pub region: Option<RegionCode>,
}

impl AgreementFilter {
    pub fn to_document(&self, visibility: &Visibility) -> Document {
        let mut f = visibility.filter();
        if let Some(p) = self.project_id {
            f.insert("project_id", p);
        }
        if let Some(p) = self.party_id {
            f.insert("party_ids", p);
        }
        if let Some(s) = self.status {
            f.insert("status", s.as_str());
        }
        if let Some(r) = self.region {
            f.insert("region", r.as_str());
        }
        f
    }
}

//! The one answer to "may this caller see this?" and "may this caller change it?".
//!
//! Every object says, through [`Guarded`], how it is visible ([`Seen`]) and who may edit it
//! ([`Edited`]); every role's reading of those is here, in [`sees`], [`edits`] and
//! [`visibility`] (the same reading as a query filter). The api asks
//! [`visible`] first and [`may_edit`] second, so an object the caller may not see is
//! `NotFound` — never `Forbidden`, which would tell a partner that another region's draft
//! exists. A new role changes these functions and nothing else.

use bson::Document;
use bson::oid::ObjectId;

use super::{Principal, Role, Visibility};
use crate::region::RegionCode;

/// How an object is visible, as the object itself says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen<'a> {
    /// By everyone, with a key or without (the directory of organizations).
    Everyone,
    /// By everyone once published; before that by staff and the partners of its region.
    WhenPublished {
        published: bool,
        region: Option<RegionCode>,
    },
    /// By staff, and by the key that asked for it (a background job).
    StaffOrRequester(Option<ObjectId>),
    /// By staff, and by the partners of either region (an adoption: the adopting region and
    /// the one the innovation comes from).
    StaffOrRegions([Option<RegionCode>; 2]),
    /// By staff, and by the expert keys it is assigned to (a submission to a call).
    StaffOrAssigned(&'a [ObjectId]),
    /// By staff and by every expert (a question not yet in a FAQ, which either may answer).
    StaffOrExperts,
    /// By staff only (personal data).
    Staff,
    /// By admins only (API keys).
    Admins,
}

/// Who may change an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edited {
    /// Staff, and the partners of this region (no partner when it has no region).
    InRegion(Option<RegionCode>),
    /// Staff only.
    Staff,
    /// Admins only.
    Admins,
    /// Staff, and the key that made it (a webhook endpoint).
    StaffOrKey(ObjectId),
}

/// What a domain type says about its own visibility and editors.
pub trait Guarded {
    /// What a client is told is missing ("Project not found").
    const NAME: &'static str;
    /// Its MongoDB collection, for reference checks.
    const COLLECTION: &'static str;

    fn seen(&self) -> Seen<'_>;
    fn edited(&self) -> Edited;

    /// The query form of [`Guarded::seen`] for documents of this type: what `who` may find in
    /// the collection. The default suits types that are [`Seen::WhenPublished`].
    fn scope(who: &Principal) -> Document {
        who.visibility().filter()
    }
}

/// A reference or a shared pointer says what its object says.
macro_rules! forward_guarded {
    ($($wrapper:ty),*) => {$(
        impl<T: Guarded> Guarded for $wrapper {
            const NAME: &'static str = T::NAME;
            const COLLECTION: &'static str = T::COLLECTION;
            fn seen(&self) -> Seen<'_> {
                (**self).seen()
            }
            fn edited(&self) -> Edited {
                (**self).edited()
            }
            fn scope(who: &Principal) -> Document {
                T::scope(who)
            }
        }
    )*};
}

forward_guarded!(&T, std::sync::Arc<T>);

/// Why a caller was refused. Deliberately without `Display`: each transport words it once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// This needs a key, and none was sent.
    Unauthenticated,
    /// The caller may see the object (or knows the action exists) but not do this.
    Forbidden,
    /// Nothing this caller may see has that id, whether or not something exists.
    NotFound(&'static str),
}

/// What a caller may ask for that is not about one object in hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Any change at all. Asked before an input is looked at, so anonymous callers learn
    /// nothing about validation rules or which ids exist.
    Write,
    /// Create an object that will be edited by these editors.
    Create(Edited),
    /// Create, list and revoke API keys.
    ManageKeys,
    /// Export or erase what the hub holds about a person, and read registrations.
    HandlePersonalData,
    /// Ask the worker for work that costs it (statistics now rather than on schedule).
    QueueJobs,
    /// Schedule, change and watch mail to people: reminders and their deliveries.
    SendMail,
    /// Register webhook endpoints, which then hear of what the key may see.
    RegisterWebhooks,
    /// Answer questions asked at the consultation point.
    AnswerQuestions,
    /// Read a call's ranking, which shows every submission and its scores; an expert sees
    /// only the submissions assigned to it, so it has no ranking to read.
    RankSubmissions,
}

/// Which catalogue content `who` may see, as a query filter can say it.
pub fn visibility(who: &Principal) -> Visibility {
    match who {
        Principal::Anonymous => Visibility::Published,
        Principal::Key {
            role: Role::Partner,
            region: Some(r),
            ..
        } => Visibility::PublishedOrRegion(*r),
        Principal::Key {
            role: Role::Partner,
            region: None,
            ..
        } => Visibility::Published,
        // What is assigned to an expert is a submission, not catalogue content.
        Principal::Key {
            role: Role::Expert, ..
        } => Visibility::Published,
        Principal::Key { .. } => Visibility::Everything,
    }
}

fn is_staff(who: &Principal) -> bool {
    matches!(who.role(), Some(Role::Admin | Role::Staff))
}

/// Whether `who` may see what is [`Seen`] this way.
pub fn sees(who: &Principal, seen: Seen) -> bool {
    match seen {
        Seen::Everyone => true,
        Seen::WhenPublished { published, region } => who.visibility().allows(published, region),
        Seen::StaffOrRequester(requester) => {
            is_staff(who) || (requester.is_some() && requester == who.key_id())
        }
        Seen::StaffOrRegions(regions) => {
            is_staff(who)
                || matches!(who, Principal::Key { role: Role::Partner, region: Some(r), .. }
                    if regions.contains(&Some(*r)))
        }
        Seen::StaffOrAssigned(experts) => {
            is_staff(who)
                || (who.role() == Some(Role::Expert)
                    && who.key_id().is_some_and(|k| experts.contains(&k)))
        }
        Seen::StaffOrExperts => is_staff(who) || who.role() == Some(Role::Expert),
        Seen::Staff => is_staff(who),
        Seen::Admins => who.role() == Some(Role::Admin),
    }
}

/// Whether `who` may score a submission assigned to these expert keys: only one of those
/// experts (staff assign and decide, but an evaluation is the expert's own).
pub fn evaluates(who: &Principal, experts: &[ObjectId]) -> bool {
    who.role() == Some(Role::Expert) && who.key_id().is_some_and(|k| experts.contains(&k))
}

/// Whether `who` may change what is [`Edited`] this way.
pub fn edits(who: &Principal, edited: Edited) -> bool {
    match (who, edited) {
        (Principal::Anonymous, _) => false,
        // An expert changes nothing of the catalogue; what it may do is asked by name
        // ([`evaluates`], [`Action::AnswerQuestions`]).
        (
            Principal::Key {
                role: Role::Expert, ..
            },
            _,
        ) => false,
        (_, Edited::StaffOrKey(key)) => is_staff(who) || who.key_id() == Some(key),
        (
            Principal::Key {
                role: Role::Admin, ..
            },
            _,
        ) => true,
        (
            Principal::Key {
                role: Role::Staff, ..
            },
            Edited::InRegion(_) | Edited::Staff,
        ) => true,
        (
            Principal::Key {
                role: Role::Staff, ..
            },
            Edited::Admins,
        ) => false,
        (
            Principal::Key {
                role: Role::Partner,
                region: own,
                ..
            },
            Edited::InRegion(region),
        ) => own.is_some() && *own == region,
        (
            Principal::Key {
                role: Role::Partner,
                ..
            },
            Edited::Staff | Edited::Admins,
        ) => false,
    }
}

/// How much of the dissemination figures a caller may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Every figure, for every region (staff).
    Everything,
    /// Totals of what it may see, and details (by region, the statistics table) for its own
    /// region (a partner).
    Region(RegionCode),
    /// Totals of what it may see (a partner key without a region).
    Totals,
}

impl Reach {
    /// The region a detailed statistics query may be about when `asked` for one: any for
    /// staff, a partner's own (also when it asked for none), nothing for totals only.
    pub fn details_region(self, asked: Option<RegionCode>) -> Result<Option<RegionCode>, Denied> {
        match (self, asked) {
            (Reach::Everything, asked) => Ok(asked),
            (Reach::Region(own), Some(r)) if r != own => Err(Denied::Forbidden),
            (Reach::Region(own), _) => Ok(Some(own)),
            (Reach::Totals, _) => Err(Denied::Forbidden),
        }
    }
}

/// Which dissemination figures `who` may read; anonymous callers none.
pub fn dissemination(who: &Principal) -> Result<Reach, Denied> {
    match who {
        Principal::Anonymous => Err(Denied::Unauthenticated),
        Principal::Key {
            role: Role::Partner,
            region: Some(r),
            ..
        } => Ok(Reach::Region(*r)),
        Principal::Key {
            role: Role::Partner,
            ..
        } => Ok(Reach::Totals),
        Principal::Key {
            role: Role::Expert, ..
        } => Ok(Reach::Totals),
        Principal::Key { .. } => Ok(Reach::Everything),
    }
}

/// Whether `who` may be told that a document it can no longer see is gone (a feed's
/// tombstone): staff always; others when it was ever published, and a partner also when it
/// once belonged to its region (it saw the draft). Nobody hears of what it never could see.
pub fn may_be_told_gone(who: &Principal, ever_published: bool, regions: &[RegionCode]) -> bool {
    match who {
        _ if is_staff(who) => true,
        _ if ever_published => true,
        Principal::Key {
            role: Role::Partner,
            region: Some(r),
            ..
        } => regions.contains(r),
        _ => false,
    }
}

/// A refusal worded for who is asking: anonymous callers are told to authenticate.
fn refused(who: &Principal) -> Denied {
    match who {
        Principal::Anonymous => Denied::Unauthenticated,
        Principal::Key { .. } => Denied::Forbidden,
    }
}

/// `Ok` when `who` may see `object`, `NotFound` otherwise.
pub fn visible<T: Guarded>(who: &Principal, object: &T) -> Result<(), Denied> {
    if sees(who, object.seen()) {
        Ok(())
    } else {
        Err(Denied::NotFound(T::NAME))
    }
}

/// `Ok` when `who` may change `object`; asks [`visible`] first.
pub fn may_edit<T: Guarded>(who: &Principal, object: &T) -> Result<(), Denied> {
    visible(who, object)?;
    if edits(who, object.edited()) {
        Ok(())
    } else {
        Err(refused(who))
    }
}

/// `Ok` when `who` may do `action`.
pub fn allow(who: &Principal, action: Action) -> Result<(), Denied> {
    let allowed = match action {
        Action::Write => !matches!(who, Principal::Anonymous),
        Action::Create(edited) => edits(who, edited),
        Action::ManageKeys => who.role() == Some(Role::Admin),
        Action::HandlePersonalData
        | Action::QueueJobs
        | Action::SendMail
        | Action::RankSubmissions => is_staff(who),
        Action::RegisterWebhooks => who.role().is_some_and(|r| r != Role::Expert),
        Action::AnswerQuestions => is_staff(who) || who.role() == Some(Role::Expert),
    };
    if allowed { Ok(()) } else { Err(refused(who)) }
}

/// The object a lookup found, when `who` may see it: a missing and an invisible object answer
/// the same.
pub fn readable<T: Guarded>(who: &Principal, found: Option<T>) -> Result<T, Denied> {
    let object = found.ok_or(Denied::NotFound(T::NAME))?;
    visible(who, &object)?;
    Ok(object)
}

/// The object a lookup found, when `who` may see and change it.
pub fn editable<T: Guarded>(who: &Principal, found: Option<T>) -> Result<T, Denied> {
    let object = found.ok_or(Denied::NotFound(T::NAME))?;
    may_edit(who, &object)?;
    Ok(object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldPath;

    fn region(code: &str) -> Option<RegionCode> {
        RegionCode::parse(code, FieldPath::none()).ok()
    }

    fn key(role: Role, own: Option<&str>) -> Principal {
        Principal::Key {
            id: ObjectId::new(),
            name: "k".into(),
            role,
            region: own.and_then(region),
        }
    }

    struct Draft(Option<RegionCode>, bool);

    impl Guarded for Draft {
        const NAME: &'static str = "Draft";
        const COLLECTION: &'static str = "drafts";
        fn seen(&self) -> Seen<'_> {
            Seen::WhenPublished {
                published: self.1,
                region: self.0,
            }
        }
        fn edited(&self) -> Edited {
            Edited::InRegion(self.0)
        }
    }

    #[test]
    fn another_regions_draft_is_not_found_rather_than_forbidden() {
        let partner = key(Role::Partner, Some("24"));
        let draft = Draft(region("12"), false);
        assert_eq!(
            may_edit(&partner, &draft),
            Err(Denied::NotFound("Draft")),
            "a partner must not learn the draft exists"
        );
        assert_eq!(
            readable(&partner, Some(draft)).err(),
            readable::<Draft>(&partner, None).err()
        );
    }

    #[test]
    fn a_published_object_of_another_region_is_seen_but_not_edited() {
        let partner = key(Role::Partner, Some("24"));
        let published = Draft(region("12"), true);
        assert_eq!(visible(&partner, &published), Ok(()));
        assert_eq!(may_edit(&partner, &published), Err(Denied::Forbidden));
        assert_eq!(
            may_edit(&Principal::Anonymous, &published),
            Err(Denied::Unauthenticated)
        );
    }

    #[test]
    fn partners_edit_only_their_own_region() {
        let partner = key(Role::Partner, Some("24"));
        assert_eq!(may_edit(&partner, &Draft(region("24"), false)), Ok(()));
        assert!(edits(&partner, Edited::InRegion(region("24"))));
        assert!(!edits(&partner, Edited::InRegion(region("12"))));
        assert!(!edits(&partner, Edited::InRegion(None)));
        assert!(!edits(
            &Principal::Anonymous,
            Edited::InRegion(region("24"))
        ));
    }

    #[test]
    fn staff_edit_content_and_admins_also_keys() {
        let staff = key(Role::Staff, None);
        let admin = key(Role::Admin, None);
        assert!(edits(&staff, Edited::InRegion(None)));
        assert!(edits(&staff, Edited::Staff));
        assert!(!edits(&staff, Edited::Admins));
        assert!(edits(&admin, Edited::Admins));
        assert_eq!(allow(&staff, Action::ManageKeys), Err(Denied::Forbidden));
        assert_eq!(allow(&admin, Action::ManageKeys), Ok(()));
    }

    #[test]
    fn anonymous_callers_write_nothing_and_are_told_to_authenticate() {
        for action in [
            Action::Write,
            Action::Create(Edited::InRegion(None)),
            Action::ManageKeys,
            Action::HandlePersonalData,
            Action::QueueJobs,
            Action::SendMail,
            Action::RankSubmissions,
        ] {
            assert_eq!(
                allow(&Principal::Anonymous, action),
                Err(Denied::Unauthenticated)
            );
        }
    }

    #[test]
    fn an_expert_sees_published_content_and_only_its_own_submissions() {
        let expert = key(Role::Expert, None);
        let other = key(Role::Expert, None);
        let assigned = [expert.key_id().expect("a key")];
        assert_eq!(expert.visibility(), Visibility::Published);
        assert!(sees(&expert, Seen::StaffOrAssigned(&assigned)));
        assert!(!sees(&other, Seen::StaffOrAssigned(&assigned)));
        assert!(sees(
            &key(Role::Staff, None),
            Seen::StaffOrAssigned(&assigned)
        ));
        assert!(evaluates(&expert, &assigned));
        assert!(!evaluates(&key(Role::Staff, None), &assigned));
        assert!(!edits(&expert, Edited::InRegion(None)));
        assert!(!edits(&expert, Edited::Staff));
        assert_eq!(allow(&expert, Action::AnswerQuestions), Ok(()));
        assert_eq!(allow(&expert, Action::SendMail), Err(Denied::Forbidden));
        assert_eq!(
            allow(&expert, Action::RankSubmissions),
            Err(Denied::Forbidden)
        );
        assert_eq!(
            allow(&key(Role::Staff, None), Action::RankSubmissions),
            Ok(())
        );
        assert_eq!(
            allow(&expert, Action::RegisterWebhooks),
            Err(Denied::Forbidden)
        );
        assert!(!sees(
            &expert,
            Seen::WhenPublished {
                published: false,
                region: None
            }
        ));
    }

    #[test]
    fn a_job_is_seen_by_staff_and_by_the_key_that_asked() {
        let partner = key(Role::Partner, Some("24"));
        let other = key(Role::Partner, Some("24"));
        let seen = Seen::StaffOrRequester(partner.key_id());
        assert!(sees(&partner, seen));
        assert!(!sees(&other, seen));
        assert!(sees(&key(Role::Staff, None), seen));
        assert!(!sees(&Principal::Anonymous, Seen::StaffOrRequester(None)));
    }
}

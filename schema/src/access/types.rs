//! What each domain type says about who may see and change it. The roles' reading of these
//! answers is in [`super::rules`]; a new type adds its lines here.

use bson::{Document, doc};

use super::rules::{Edited, Guarded, Seen, sees};
use super::{ApiKey, Principal};
use crate::adoption::Adoption;
use crate::call::{Call, Submission};
use crate::consultation::Question;
use crate::cooperation::{CooperationAgreement, ThematicGroup};
use crate::db::collections;
use crate::event::{Event, Registration};
use crate::innovation::Innovation;
use crate::jobs::runs::JobRun;
use crate::mailing::Mailing;
use crate::material::Material;
use crate::organization::Organization;
use crate::project::Project;

/// Catalogue content: public once published, its region's partners edit it.
macro_rules! catalogue {
    ($($ty:ty => $name:literal in $collection:expr, region $region:expr;)*) => {$(
        impl Guarded for $ty {
            const NAME: &'static str = $name;
            const COLLECTION: &'static str = $collection;
            fn seen(&self) -> Seen<'_> {
                Seen::WhenPublished {
                    published: self.published,
                    region: $region(self),
                }
            }
            fn edited(&self) -> Edited {
                Edited::InRegion($region(self))
            }
        }
    )*};
}

catalogue! {
    Innovation => "Innovation" in collections::INNOVATIONS, region |o: &Innovation| o.region;
    Project => "Project" in collections::PROJECTS, region |o: &Project| o.region;
    Material => "Material" in collections::MATERIALS, region |o: &Material| o.region;
    Event => "Event" in collections::EVENTS, region |o: &Event| o.region;
    ThematicGroup => "ThematicGroup" in collections::THEMATIC_GROUPS,
        region |o: &ThematicGroup| Some(o.region);
    CooperationAgreement => "CooperationAgreement" in collections::AGREEMENTS,
        region |o: &CooperationAgreement| Some(o.region);
    Call => "Call" in collections::CALLS, region |o: &Call| o.region;
}

/// A submitted idea is personal data and unpublished work: staff see it, and the experts
/// assigned to evaluate it; its innovator follows it through the secret link they were mailed.
impl Guarded for Submission {
    const NAME: &'static str = "Submission";
    const COLLECTION: &'static str = collections::SUBMISSIONS;
    fn seen(&self) -> Seen<'_> {
        Seen::StaffOrAssigned(&self.experts)
    }
    fn edited(&self) -> Edited {
        Edited::Staff
    }
    fn scope(who: &Principal) -> Document {
        match who.key_id() {
            _ if sees(who, Seen::Staff) => doc! {},
            Some(key) if who.role() == Some(crate::access::Role::Expert) => doc! { "experts": key },
            _ => nothing(),
        }
    }
}

/// A question is public once staff put its answer in the FAQ; before that staff and experts,
/// who answer it, see it. The asker's address is shown to staff only, by the api.
impl Guarded for Question {
    const NAME: &'static str = "Question";
    const COLLECTION: &'static str = collections::QUESTIONS;
    fn seen(&self) -> Seen<'_> {
        if self.published && self.answer.is_some() {
            Seen::Everyone
        } else {
            Seen::StaffOrExperts
        }
    }
    fn edited(&self) -> Edited {
        Edited::Staff
    }
    fn scope(who: &Principal) -> Document {
        if sees(who, Seen::StaffOrExperts) {
            doc! {}
        } else {
            doc! { "published": true, "answer": { "$ne": null } }
        }
    }
}

/// Organizations are a public directory: who works with whom is no secret, and their contact
/// points' personal fields are shown to staff only by the api.
impl Guarded for Organization {
    const NAME: &'static str = "Organization";
    const COLLECTION: &'static str = collections::ORGANIZATIONS;
    fn seen(&self) -> Seen<'_> {
        Seen::Everyone
    }
    fn edited(&self) -> Edited {
        Edited::InRegion(self.region)
    }
    fn scope(_: &Principal) -> Document {
        doc! {}
    }
}

/// Mailings reach people's addresses: staff schedule and watch them.
impl Guarded for Mailing {
    const NAME: &'static str = "Reminder";
    const COLLECTION: &'static str = collections::MAILINGS;
    fn seen(&self) -> Seen<'_> {
        Seen::Staff
    }
    fn edited(&self) -> Edited {
        Edited::Staff
    }
    fn scope(who: &Principal) -> Document {
        only_if(sees(who, Seen::Staff))
    }
}

/// A registration is personal data: staff handle it; the registrant acts on it only through
/// the secret token they were given, which is not a key.
impl Guarded for Registration {
    const NAME: &'static str = "Registration";
    const COLLECTION: &'static str = collections::REGISTRATIONS;
    fn seen(&self) -> Seen<'_> {
        Seen::Staff
    }
    fn edited(&self) -> Edited {
        Edited::Staff
    }
    fn scope(who: &Principal) -> Document {
        only_if(sees(who, Seen::Staff))
    }
}

impl Guarded for JobRun {
    const NAME: &'static str = "Job";
    const COLLECTION: &'static str = collections::JOB_RUNS;
    fn seen(&self) -> Seen<'_> {
        Seen::StaffOrRequester(self.requested_by)
    }
    fn edited(&self) -> Edited {
        Edited::Staff
    }
    fn scope(who: &Principal) -> Document {
        match who.key_id() {
            _ if sees(who, Seen::Staff) => doc! {},
            Some(key) => doc! { "requested_by": key },
            None => nothing(),
        }
    }
}

impl Guarded for ApiKey {
    const NAME: &'static str = "ApiKey";
    const COLLECTION: &'static str = collections::API_KEYS;
    fn seen(&self) -> Seen<'_> {
        Seen::Admins
    }
    fn edited(&self) -> Edited {
        Edited::Admins
    }
    fn scope(who: &Principal) -> Document {
        only_if(sees(who, Seen::Admins))
    }
}

/// An adoption tells which organization implements what: staff, the adopting region and the
/// region the innovation comes from see it; nobody edits it.
impl Guarded for Adoption {
    const NAME: &'static str = "Adoption";
    const COLLECTION: &'static str = collections::ADOPTIONS;
    fn seen(&self) -> Seen<'_> {
        Seen::StaffOrRegions([Some(self.region), self.innovation_region])
    }
    fn edited(&self) -> Edited {
        Edited::Staff
    }
    fn scope(who: &Principal) -> Document {
        match who {
            _ if sees(who, Seen::Staff) => doc! {},
            Principal::Key {
                role: crate::access::Role::Partner,
                region: Some(r),
                ..
            } => doc! { "$or": [ { "region": r.as_str() }, { "innovation_region": r.as_str() } ] },
            _ => nothing(),
        }
    }
}

/// Every document, or none.
fn only_if(allowed: bool) -> Document {
    if allowed {
        doc! {}
    } else {
        nothing()
    }
}

/// A filter no document matches (`_id` is never null).
fn nothing() -> Document {
    doc! { "_id": null }
}

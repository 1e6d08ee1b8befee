//! Cooperation between institutions: thematic groups of a regional cooperation platform (seed
//! 000: ROPS Kraków's group on social innovation) and the formal cooperation agreements signed
//! in projects (seed 003: KOOPERACJE 3D).
//!
//! [`group`] and [`agreement`] hold the records and their rules, with no I/O; [`store`] keeps
//! them in MongoDB and checks that what an input refers to exists; [`demo`] loads the seed documents' groups and
//! agreements. A group's meetings are events (`events.thematic_group_id`), and an agreement's
//! signing ceremony is an event too: both live with the events, not here.

pub mod agreement;
pub mod demo;
pub mod group;
pub mod store;

pub use agreement::{AgreementFields, AgreementStatus, CooperationAgreement};
pub use group::{
    GroupFields, Member, MemberFields, MemberRole, Person, PersonFields, ThematicGroup,
};

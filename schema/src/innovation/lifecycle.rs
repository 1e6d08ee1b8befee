//! The innovation lifecycle, as one state machine.
//!
//! ```text
//! IDEA_SUBMITTED → UNDER_EVALUATION → GRANTED | REJECTED
//! GRANTED → TESTING → EVALUATED → SELECTED_FOR_SCALING | NOT_RECOMMENDED
//! SELECTED_FOR_SCALING → READY_TO_IMPLEMENT
//! any state that is not final → WITHDRAWN
//! ```
//!
//! Every status change in the hub goes through [`Status::transition`], so no path can skip a
//! step (an idea cannot become ready to implement without being tested and evaluated).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    IdeaSubmitted,
    UnderEvaluation,
    Granted,
    Rejected,
    Testing,
    Evaluated,
    SelectedForScaling,
    NotRecommended,
    ReadyToImplement,
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 10] = [
        Status::IdeaSubmitted,
        Status::UnderEvaluation,
        Status::Granted,
        Status::Rejected,
        Status::Testing,
        Status::Evaluated,
        Status::SelectedForScaling,
        Status::NotRecommended,
        Status::ReadyToImplement,
        Status::Withdrawn,
    ];

    /// The name stored in MongoDB and shown in GraphQL.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::IdeaSubmitted => "IDEA_SUBMITTED",
            Status::UnderEvaluation => "UNDER_EVALUATION",
            Status::Granted => "GRANTED",
            Status::Rejected => "REJECTED",
            Status::Testing => "TESTING",
            Status::Evaluated => "EVALUATED",
            Status::SelectedForScaling => "SELECTED_FOR_SCALING",
            Status::NotRecommended => "NOT_RECOMMENDED",
            Status::ReadyToImplement => "READY_TO_IMPLEMENT",
            Status::Withdrawn => "WITHDRAWN",
        }
    }

    /// Final states: nothing follows them, not even withdrawal.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Status::Rejected
                | Status::NotRecommended
                | Status::ReadyToImplement
                | Status::Withdrawn
        )
    }

    /// The states reachable in one step.
    pub fn next(self) -> &'static [Status] {
        use Status::*;
        match self {
            IdeaSubmitted => &[UnderEvaluation, Withdrawn],
            UnderEvaluation => &[Granted, Rejected, Withdrawn],
            Granted => &[Testing, Withdrawn],
            Testing => &[Evaluated, Withdrawn],
            Evaluated => &[SelectedForScaling, NotRecommended, Withdrawn],
            SelectedForScaling => &[ReadyToImplement, Withdrawn],
            Rejected | NotRecommended | ReadyToImplement | Withdrawn => &[],
        }
    }

    pub fn can_become(self, to: Status) -> bool {
        self.next().contains(&to)
    }

    /// Whether an innovation in this state was granted a grant to test it (what a target such as
    /// "ideas granted in the call" counts); a withdrawn one is no longer counted.
    pub fn was_granted(self) -> bool {
        matches!(self, Status::Granted | Status::Testing) || self.was_tested()
    }

    /// Whether an innovation in this state has been tested in real conditions (what project
    /// targets such as "at least 30 ideas tested" count).
    pub fn was_tested(self) -> bool {
        matches!(
            self,
            Status::Evaluated
                | Status::SelectedForScaling
                | Status::NotRecommended
                | Status::ReadyToImplement
        )
    }

    /// Whether it was selected for wider implementation.
    pub fn was_selected(self) -> bool {
        matches!(self, Status::SelectedForScaling | Status::ReadyToImplement)
    }
}

#[cfg(test)]
mod tests {
    use super::Status::*;
    use super::*;

    #[test]
    fn the_happy_path_reaches_ready_to_implement() {
        let path = [
            IdeaSubmitted,
            UnderEvaluation,
            Granted,
            Testing,
            Evaluated,
            SelectedForScaling,
            ReadyToImplement,
        ];
        for pair in path.windows(2) {
            assert!(pair[0].can_become(pair[1]), "{:?} → {:?}", pair[0], pair[1]);
        }
    }

    #[test]
    fn no_step_can_be_skipped() {
        assert!(!IdeaSubmitted.can_become(ReadyToImplement));
        assert!(!IdeaSubmitted.can_become(Granted));
        assert!(!Granted.can_become(Evaluated));
        assert!(!Testing.can_become(SelectedForScaling));
        assert!(!UnderEvaluation.can_become(Testing));
    }

    #[test]
    fn final_states_lead_nowhere_and_everything_else_can_be_withdrawn() {
        for s in Status::ALL {
            if s.is_final() {
                assert!(s.next().is_empty(), "{s:?}");
            } else {
                assert!(s.can_become(Withdrawn), "{s:?}");
            }
            assert!(!s.can_become(s), "{s:?} cannot become itself");
        }
    }

    #[test]
    fn status_names_match_their_serialised_form() {
        for s in Status::ALL {
            assert_eq!(bson::to_bson(&s).unwrap().as_str(), Some(s.as_str()));
        }
    }
}

//! What gets indexed: one [`SearchDoc`] per catalogue entry.

/// Which catalogue collection a document comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocKind {
    /// A social innovation (the hub's main entity).
    Innovation,
    /// A project that implements or tests innovations.
    Project,
    /// A supporting material: guide, report, recording.
    Material,
    /// A conference, meeting, seminar or other event.
    Event,
    /// A question to the consultation point with its answer (a FAQ entry once published).
    Question,
}

impl DocKind {
    /// Every kind, in a fixed order.
    pub const ALL: [DocKind; 5] = [
        DocKind::Innovation,
        DocKind::Project,
        DocKind::Material,
        DocKind::Event,
        DocKind::Question,
    ];

    /// The stable token this kind is stored under in the index.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Innovation => "innovation",
            DocKind::Project => "project",
            DocKind::Material => "material",
            DocKind::Event => "event",
            DocKind::Question => "question",
        }
    }

    /// Inverse of [`DocKind::as_str`].
    pub fn parse(s: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One searchable catalogue entry, flattened by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchDoc {
    /// Unique key, e.g. the MongoDB ObjectId in hex; upserts and removals go by it.
    pub id: String,
    /// Collection the entry comes from.
    pub kind: DocKind,
    /// Title; matches here weigh most and are returned highlighted.
    pub title: String,
    /// Running text (summary, problem, solution, description, tags…) concatenated by the
    /// caller; the snippet is cut from it.
    pub body: String,
    /// Tags, weighted between title and body.
    pub tags: Vec<String>,
    /// Unpublished entries are hidden unless a query asks for them.
    pub published: bool,
    /// TERYT two-digit voivodeship code, if the entry is regional.
    pub region: Option<String>,
}

//! Domain errors: what is wrong with a request in terms the user can act on. They travel to
//! clients as `userErrors` (field, message, code), never as GraphQL errors, and a request that
//! produced any of them has changed nothing.

use std::fmt;

/// Where in the input a problem is, e.g. `input.grant.amount`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldPath(Vec<String>);

impl FieldPath {
    pub fn root(name: &str) -> Self {
        Self(vec![name.to_owned()])
    }

    pub fn input(name: &str) -> Self {
        Self(vec!["input".to_owned(), name.to_owned()])
    }

    pub fn none() -> Self {
        Self(Vec::new())
    }

    pub fn child(&self, name: &str) -> Self {
        let mut path = self.0.clone();
        path.push(name.to_owned());
        Self(path)
    }

    pub fn index(&self, i: usize) -> Self {
        self.child(&i.to_string())
    }

    pub fn segments(&self) -> &[String] {
        &self.0
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("."))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    Invalid,
    Required,
    TooLong,
    Taken,
    NotFound,
    InvalidTransition,
    RegistrationClosed,
    /// The call for ideas is not open (not yet, or no longer).
    CallClosed,
    /// A grant would take the call past its budget.
    OverBudget,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainError {
    pub field: FieldPath,
    pub message: String,
    pub code: ErrorCode,
}

impl DomainError {
    pub fn new(field: FieldPath, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
            code,
        }
    }

    pub fn invalid(field: FieldPath, message: impl Into<String>) -> Self {
        Self::new(field, ErrorCode::Invalid, message)
    }
}

/// Collects every problem with an input instead of stopping at the first, so a form can show
/// them all at once.
#[derive(Debug, Default)]
pub struct Problems(Vec<DomainError>);

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the value if it parsed, records the problem otherwise.
    pub fn check<T>(&mut self, result: Result<T, DomainError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    pub fn push(&mut self, e: DomainError) {
        self.0.push(e);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing was recorded.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<DomainError>> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self.0)
        }
    }

    pub fn into_vec(self) -> Vec<DomainError> {
        self.0
    }
}

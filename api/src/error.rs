//! The api's errors and how each reaches a client.
//!
//! Auth and lookup failures become GraphQL errors with an `extensions.code` a client can switch
//! on. Infrastructure failures (a driver error, a lost connection) are logged with their whole
//! cause chain and reach the client only as `INTERNAL_SERVER_ERROR`: their text can name hosts,
//! collections or query shapes, which are nobody's business outside. Validation problems are not
//! errors at all here: they are `userErrors` data in mutation payloads.

use async_graphql::ErrorExtensions;

///
/// Deliberately not `Display`: async-graphql turns any `Display` type into an error without a
/// code, and leaving it out makes the `From` below the only way in, so `?` always keeps the code.
#[derive(Debug)]
pub enum ApiError {
    Unauthenticated,
    Forbidden,
    NotFound(&'static str),
    BadUserInput(String),
    /// A change-feed cursor older than the tombstone retention: the client must resync.
    CursorExpired(String),
    /// Too many public writes from one client address; try again after this many seconds.
    RateLimited(u64),
    Internal,
}

impl ApiError {
    pub fn message(&self) -> String {
        match self {
            Self::Unauthenticated => {
                "Authentication required: send `Authorization: Bearer <api key>`".to_owned()
            }
            Self::Forbidden => "Your API key does not allow this".to_owned(),
            Self::NotFound(what) => format!("{what} not found"),
            Self::BadUserInput(message) | Self::CursorExpired(message) => message.clone(),
            Self::RateLimited(after) => {
                format!("Too many requests from your address; try again in {after} s")
            }
            Self::Internal => "Internal server error".to_owned(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound(_) => "NOT_FOUND",
            Self::BadUserInput(_) => "BAD_USER_INPUT",
            Self::CursorExpired(_) => "CURSOR_EXPIRED",
            Self::RateLimited(_) => "RATE_LIMITED",
            Self::Internal => "INTERNAL_SERVER_ERROR",
        }
    }
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> async_graphql::Error {
        let error = async_graphql::Error::new(self.message())
            .extend_with(|_, e| e.set("code", self.code()));
        match self {
            // What HTTP would say (429, Retry-After), for clients that map codes to statuses.
            Self::RateLimited(after) => error.extend_with(|_, e| {
                e.set("http", async_graphql::value!({ "status": 429 }));
                e.set("retryAfter", *after);
            }),
            _ => error,
        }
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(err: ApiError) -> Self {
        err.extend()
    }
}

/// The access module's refusals, as clients see them. `NotFound` names what was looked for and
/// nothing else: the same answer whether the object is missing or hidden from this caller.
impl From<innohub_schema::access::Denied> for ApiError {
    fn from(d: innohub_schema::access::Denied) -> Self {
        use innohub_schema::access::Denied;
        match d {
            Denied::Unauthenticated => Self::Unauthenticated,
            Denied::Forbidden => Self::Forbidden,
            Denied::NotFound(what) => Self::NotFound(what),
        }
    }
}

/// Turns any infrastructure error into a logged, opaque internal error.
pub trait OrInternal<T> {
    fn or_internal(self) -> Result<T, ApiError>;
}

impl<T, E: Into<anyhow::Error>> OrInternal<T> for Result<T, E> {
    fn or_internal(self) -> Result<T, ApiError> {
        self.map_err(|e| {
            let e: anyhow::Error = e.into();
            tracing::error!(error = format!("{e:#}"), "request failed");
            ApiError::Internal
        })
    }
}

/// An error that stops a request before anything executes (a limit, a transport rule): no
/// path, no data, so the HTTP layer answers it as a client error.
pub fn request_error(message: impl Into<String>, code: &'static str) -> async_graphql::ServerError {
    let mut error = async_graphql::ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    error
}

//! Structured logging for both binaries: JSON lines by default (one object per event, with the
//! span fields such as `request_id` or `job_id`), or a readable format for a terminal.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::config::{LogFormat, LogSettings};

/// Installs the global subscriber. Call once, first thing in `main`.
pub fn init(settings: &LogSettings) {
    // The filter was validated when the settings were parsed.
    let filter = EnvFilter::try_new(&settings.filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    match settings.format {
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_span_list(false)
                    .with_writer(std::io::stdout),
            )
            .init(),
        LogFormat::Pretty => registry
            .with(fmt::layer().with_writer(std::io::stdout))
            .init(),
    }
}

//! The one way both binaries learn they should stop: SIGTERM (what orchestrators send) or
//! SIGINT (Ctrl-C).

use std::future::Future;

/// Registers the signal handlers now and returns a future that completes when the process is
/// asked to stop. Registering up front matters: a SIGTERM that arrives after the process said
/// it is ready, but before anything polled this future, must still mean "stop gracefully" and
/// not the default "die at once".
///
/// Must be called inside a tokio runtime.
pub fn signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let terminate = signal(SignalKind::terminate());
        let interrupt = signal(SignalKind::interrupt());
        async move {
            match (terminate, interrupt) {
                (Ok(mut terminate), Ok(mut interrupt)) => {
                    tokio::select! {
                        _ = terminate.recv() => {},
                        _ = interrupt.recv() => {},
                    }
                }
                (Err(e), _) | (_, Err(e)) => {
                    tracing::error!(error = %e, "Failed to listen for SIGTERM/SIGINT");
                    std::future::pending::<()>().await;
                }
            }
            tracing::info!("shutdown requested");
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutdown requested");
    }
}

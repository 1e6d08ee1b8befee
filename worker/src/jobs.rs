//! The jobs this worker runs, one module each, and what they share.

pub mod deliver_mail;
pub mod deliver_webhook;
pub mod refresh_statistics;
pub mod render_handbook;
pub mod send_mailing;

use std::task::{Context, Poll};
use std::time::Duration;

use apalis::prelude::{PollSnapshot, PollStrategy};

/// A polling interval that always leaves a timer armed.
///
/// apalis-core 1.0's interval strategy installs a new delay after firing without polling it, so
/// when the Redis fetch completes within the same poll nothing wakes the worker until the next
/// heartbeat and ready jobs wait seconds. Draining the interval until it is pending registers
/// the waker for the next tick every time.
pub struct RearmingInterval(tokio::time::Interval);

impl RearmingInterval {
    pub fn new(period: Duration) -> Self {
        let mut interval = tokio::time::interval(period);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Self(interval)
    }
}

impl PollStrategy for RearmingInterval {
    fn poll_drive(&mut self, cx: &mut Context<'_>, _: &PollSnapshot) -> Poll<Option<()>> {
        let mut fired = false;
        while self.0.poll_tick(cx).is_ready() {
            fired = true;
        }
        if fired {
            Poll::Ready(Some(()))
        } else {
            Poll::Pending
        }
    }
}

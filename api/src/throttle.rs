//! Rate limits on what anyone may send without a key (ideas to a call, questions to the
//! consultation point), per client address, with governor's keyed GCRA limiter: a burst, then
//! a steady rate.
//!
//! The client address is the TCP peer's, unless `INNOHUB_CLIENT_IP_HEADER` names a header a
//! trusted proxy sets: then the last address in it (the one that proxy appended; anything
//! before it the client could have written). The limit is per api process: behind a load
//! balancer of N processes a client gets up to N times the rate.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::http::HeaderMap;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Keys above this many make the limiter forget addresses idle long enough to be full again.
const TRACKED_MAX: usize = 100_000;

/// Where a request came from, as the rate limits see it; in every request's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub Option<IpAddr>);

impl ClientAddr {
    /// The address of a request from `peer` with `headers`, trusting `header` when configured.
    pub fn of(peer: Option<SocketAddr>, headers: &HeaderMap, header: Option<&str>) -> Self {
        let forwarded = header.and_then(|name| {
            headers
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|a| a.trim().parse::<IpAddr>().ok())
                .next_back()
        });
        Self(forwarded.or(peer.map(|p| p.ip())))
    }
}

/// The limiter of public writes, shared by every request of the process.
#[derive(Clone)]
pub struct PublicWrites {
    limiter: Arc<DefaultKeyedRateLimiter<Option<IpAddr>>>,
    clock: DefaultClock,
}

impl PublicWrites {
    /// `per_hour` writes an hour per address, `burst` of them at once.
    pub fn new(per_hour: u32, burst: u32) -> Self {
        let per_hour = NonZeroU32::new(per_hour.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
        let period = std::time::Duration::from_secs(3600) / per_hour.get();
        let quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_hour(per_hour))
            .allow_burst(burst);
        Self {
            limiter: Arc::new(RateLimiter::keyed(quota)),
            clock: DefaultClock::default(),
        }
    }

    /// `Ok` when `addr` may write now; otherwise how many seconds until it may.
    pub fn check(&self, addr: ClientAddr) -> Result<(), u64> {
        if self.limiter.len() > TRACKED_MAX {
            self.limiter.retain_recent();
        }
        self.limiter.check_key(&addr.0).map_err(|not_until| {
            not_until
                .wait_time_from(self.clock.now())
                .as_secs_f64()
                .ceil()
                .max(1.0) as u64
        })
    }
}

/// Asks the limit before a public write: callers with a key pass (they answer for what they
/// send); others are counted by their address, and refused with `RATE_LIMITED` past it.
pub fn public_write(ctx: &async_graphql::Context<'_>) -> Result<(), crate::error::ApiError> {
    if crate::graphql::auth::principal(ctx).key_id().is_some() {
        return Ok(());
    }
    let Some(limits) = ctx.data_opt::<PublicWrites>() else {
        return Ok(());
    };
    let addr = ctx
        .data_opt::<ClientAddr>()
        .copied()
        .unwrap_or(ClientAddr(None));
    limits
        .check(addr)
        .map_err(crate::error::ApiError::RateLimited)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_a_wait_per_address() {
        let limits = PublicWrites::new(60, 2);
        let a = ClientAddr(Some("192.0.2.1".parse().expect("ip")));
        let b = ClientAddr(Some("192.0.2.2".parse().expect("ip")));
        assert_eq!(limits.check(a), Ok(()));
        assert_eq!(limits.check(a), Ok(()));
        let wait = limits.check(a).expect_err("limited");
        assert!((1..=60).contains(&wait), "{wait}");
        assert_eq!(
            limits.check(b),
            Ok(()),
            "another address has its own allowance"
        );
    }

    #[test]
    fn only_the_configured_header_names_the_client() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.7".parse().expect("value"),
        );
        let peer: SocketAddr = "127.0.0.1:5000".parse().expect("addr");
        assert_eq!(
            ClientAddr::of(Some(peer), &headers, None).0,
            Some(peer.ip()),
            "a header nobody configured is the client's own text"
        );
        assert_eq!(
            ClientAddr::of(Some(peer), &headers, Some("x-forwarded-for")).0,
            Some("198.51.100.7".parse().expect("ip")),
            "the address the trusted proxy appended"
        );
    }
}

//! Where the hub may POST a notice: a partner registers a URL, and the hub must not let that URL
//! reach its own network (server-side request forgery). A URL is checked when it is registered
//! ([`check_url`]) and its host is resolved and checked again before every delivery
//! ([`resolve_allowed`]), since DNS answers change.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use url::{Host, Url};

/// The longest webhook URL accepted, in bytes.
pub const URL_MAX_LEN: usize = 2048;

/// Which addresses a notice may go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressPolicy {
    /// Production: https only, and public internet addresses only.
    Public,
    /// Tests and development: also plain http, and loopback addresses (but no other
    /// non-public ones), so a receiver on the same machine can be used.
    AllowLoopback,
}

/// Why a notice may not be sent to a URL.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// The URL is longer than [`URL_MAX_LEN`].
    #[error("the webhook URL is {len} characters long; at most {URL_MAX_LEN} are accepted")]
    TooLong {
        /// The URL's length in bytes.
        len: usize,
    },
    /// The text is not a URL.
    #[error(
        "the webhook URL cannot be read ({0}); give a full address such as https://partner.example/webhooks"
    )]
    Invalid(#[from] url::ParseError),
    /// The scheme is not one the policy allows.
    #[error(
        "the webhook URL uses `{scheme}:`; endpoints must use https (plain http is accepted only in development)"
    )]
    Scheme {
        /// The URL's scheme.
        scheme: String,
    },
    /// The URL has `user:password@` in it.
    #[error(
        "the webhook URL carries a user name or password; remove it, notices are authenticated by their signature"
    )]
    Credentials,
    /// The URL names no host.
    #[error("the webhook URL names no host; give one, such as https://partner.example/webhooks")]
    MissingHost,
    /// The URL gives no port and its scheme has no default one.
    #[error("the webhook URL gives no port and `{scheme}:` has no default one; add a port")]
    NoPort {
        /// The URL's scheme.
        scheme: String,
    },
    /// Resolving the host failed.
    #[error("the webhook host `{host}` could not be resolved ({error}); check its DNS records")]
    Resolve {
        /// The host as written in the URL.
        host: String,
        /// What the resolver said.
        error: std::io::Error,
    },
    /// The host resolved to no address at all.
    #[error("the webhook host `{host}` resolves to no address; check its DNS records")]
    NoAddresses {
        /// The host as written in the URL.
        host: String,
    },
    /// The host is, or resolves to, an address the policy refuses.
    #[error(
        "the webhook host `{host}` points at {addr}, which is not a public internet address; notices are only sent to public addresses"
    )]
    AddressNotAllowed {
        /// The host as written in the URL.
        host: String,
        /// The first refused address.
        addr: IpAddr,
    },
}

/// Checks a URL a partner registers and returns it parsed: `https` (or `http` under
/// [`AddressPolicy::AllowLoopback`]), no user name or password, a host, at most
/// [`URL_MAX_LEN`] bytes, and, when the host is an IP address, one [`address_allowed`] accepts.
///
/// A host name is not resolved here; [`resolve_allowed`] does that at delivery.
pub fn check_url(url: &str, policy: AddressPolicy) -> Result<Url, TargetError> {
    if url.len() > URL_MAX_LEN {
        return Err(TargetError::TooLong { len: url.len() });
    }
    let parsed = Url::parse(url)?;
    let len = parsed.as_str().len();
    if len > URL_MAX_LEN {
        return Err(TargetError::TooLong { len });
    }
    let scheme_allowed = match parsed.scheme() {
        "https" => true,
        "http" => policy == AddressPolicy::AllowLoopback,
        _ => false,
    };
    if !scheme_allowed {
        let scheme = parsed.scheme().to_owned();
        return Err(TargetError::Scheme { scheme });
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(TargetError::Credentials);
    }
    let ip = match parsed.host() {
        None => return Err(TargetError::MissingHost),
        Some(Host::Domain(_)) => None,
        Some(Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
    };
    if let Some(addr) = ip.filter(|&ip| !address_allowed(ip, policy)) {
        let host = parsed.host_str().unwrap_or_default().to_owned();
        return Err(TargetError::AddressNotAllowed { host, addr });
    }
    Ok(parsed)
}

/// IPv4 ranges refused for which `Ipv4Addr` has no stable method.
const REFUSED_V4: &[(Ipv4Addr, u32)] = &[
    (Ipv4Addr::new(0, 0, 0, 0), 8),     // "this network"
    (Ipv4Addr::new(100, 64, 0, 0), 10), // carrier-grade NAT
    (Ipv4Addr::new(192, 0, 0, 0), 24),  // IETF protocol assignments
    (Ipv4Addr::new(198, 18, 0, 0), 15), // benchmarking
    (Ipv4Addr::new(240, 0, 0, 0), 4),   // reserved, broadcast included
];

/// IPv6 ranges refused inside global unicast 2000::/3.
const REFUSED_V6: &[(Ipv6Addr, u32)] = &[
    (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 23), // IETF protocol assignments
    (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32), // documentation
    (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20), // documentation
];

const GLOBAL_UNICAST: (Ipv6Addr, u32) = (Ipv6Addr::new(0x2000, 0, 0, 0, 0, 0, 0, 0), 3);
const NAT64: (Ipv6Addr, u32) = (Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), 96);
const SIX_TO_FOUR: (Ipv6Addr, u32) = (Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0), 16);

fn in_v4(ip: Ipv4Addr, (net, len): (Ipv4Addr, u32)) -> bool {
    let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
    u32::from(ip) & mask == u32::from(net) & mask
}

fn in_v6(ip: Ipv6Addr, (net, len): (Ipv6Addr, u32)) -> bool {
    let mask = u128::MAX.checked_shl(128 - len).unwrap_or(0);
    u128::from(ip) & mask == u128::from(net) & mask
}

/// Whether a notice may go to `ip`.
///
/// Refused: unspecified, loopback (unless [`AddressPolicy::AllowLoopback`]), private
/// (10/8, 172.16/12, 192.168/16), link-local (169.254/16, fe80::/10), carrier-grade NAT
/// (100.64/10), multicast, broadcast and the rest of 240/4, documentation ranges, "this
/// network" (0/8), benchmarking (198.18/15), IETF protocol assignments (192.0.0/24,
/// 2001::/23), unique-local (fc00::/7) and every IPv6 address outside global unicast 2000::/3.
/// An IPv6 address that carries an IPv4 one (IPv4-mapped, NAT64 64:ff9b::/96, 6to4 2002::/16)
/// is judged by the IPv4 address.
pub fn address_allowed(ip: IpAddr, policy: AddressPolicy) -> bool {
    match ip {
        IpAddr::V4(ip) => v4_allowed(ip, policy),
        IpAddr::V6(ip) => v6_allowed(ip, policy),
    }
}

fn v4_allowed(ip: Ipv4Addr, policy: AddressPolicy) -> bool {
    if ip.is_loopback() {
        return policy == AddressPolicy::AllowLoopback;
    }
    !(ip.is_unspecified()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || REFUSED_V4.iter().any(|&range| in_v4(ip, range)))
}

fn v6_allowed(ip: Ipv6Addr, policy: AddressPolicy) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return v4_allowed(v4, policy);
    }
    let bits = u128::from(ip);
    if in_v6(ip, NAT64) {
        // The last 32 bits; the cast keeps exactly those.
        return v4_allowed(Ipv4Addr::from(bits as u32), policy);
    }
    if in_v6(ip, SIX_TO_FOUR) {
        // Bits 16 to 48 from the top.
        return v4_allowed(Ipv4Addr::from((bits >> 80) as u32), policy);
    }
    if ip.is_loopback() {
        return policy == AddressPolicy::AllowLoopback;
    }
    if ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_unicast_link_local()
        || ip.is_unique_local()
    {
        return false;
    }
    in_v6(ip, GLOBAL_UNICAST) && !REFUSED_V6.iter().any(|&range| in_v6(ip, range))
}

/// Resolves the URL's host and returns the addresses to connect to, refusing the URL if any of
/// them is one [`address_allowed`] refuses (so an answer mixing a public and a private address
/// is refused), or if there are none.
///
/// Connect to exactly these addresses: resolving the name again would let a second, different
/// DNS answer through.
pub async fn resolve_allowed(
    url: &Url,
    policy: AddressPolicy,
) -> Result<Vec<SocketAddr>, TargetError> {
    let host = url.host_str().ok_or(TargetError::MissingHost)?.to_owned();
    let Some(port) = url.port_or_known_default() else {
        let scheme = url.scheme().to_owned();
        return Err(TargetError::NoPort { scheme });
    };
    let addrs = match url.host() {
        None => return Err(TargetError::MissingHost),
        Some(Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
        Some(Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
        Some(Host::Domain(domain)) => return lookup_allowed(domain, port, policy).await,
    };
    all_allowed(host, addrs, policy)
}

/// Resolves `host` and answers its addresses when [`address_allowed`] accepts every one: what
/// the delivering HTTP client's resolver answers, so it connects only to checked addresses.
pub async fn lookup_allowed(
    host: &str,
    port: u16,
    policy: AddressPolicy,
) -> Result<Vec<SocketAddr>, TargetError> {
    let found = tokio::net::lookup_host((host, port)).await;
    let host = host.to_owned();
    match found {
        Ok(found) => all_allowed(host, found.collect(), policy),
        Err(error) => Err(TargetError::Resolve { host, error }),
    }
}

/// `addrs` if there is at least one and every one is allowed.
fn all_allowed(
    host: String,
    addrs: Vec<SocketAddr>,
    policy: AddressPolicy,
) -> Result<Vec<SocketAddr>, TargetError> {
    if addrs.is_empty() {
        return Err(TargetError::NoAddresses { host });
    }
    let mut ips = addrs.iter().map(SocketAddr::ip);
    match ips.find(|&ip| !address_allowed(ip, policy)) {
        Some(addr) => Err(TargetError::AddressNotAllowed { host, addr }),
        None => Ok(addrs),
    }
}

#[cfg(test)]
mod tests {
    use super::AddressPolicy::{AllowLoopback, Public};
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    /// The addresses in a whitespace-separated list.
    fn ips(list: &str) -> impl Iterator<Item = IpAddr> {
        list.split_whitespace().map(ip)
    }

    /// One or two addresses of every refused range, its edges where they matter.
    const REFUSED: &str = "
        0.0.0.0 0.1.2.3 10.0.0.1 10.255.255.255 172.16.0.1 172.31.255.255 192.168.0.1
        192.168.255.255 169.254.169.254 169.254.0.1 100.64.0.1 100.127.255.255 224.0.0.1
        239.255.255.250 255.255.255.255 240.0.0.1 192.0.2.1 198.51.100.7 203.0.113.9
        192.0.0.8 198.18.0.1 198.19.255.255
        :: fe80::1 febf:ffff::1 fc00::1 fd12:3456::1 ff02::1 ff0e::1 2001:db8::1 3fff::1
        2001::1 fec0::1 100::1 ::10.0.0.1 64:ff9b:1::1";

    #[test]
    fn refuses_every_non_public_range_under_both_policies() {
        for addr in ips(REFUSED) {
            assert!(!address_allowed(addr, Public), "{addr}");
            assert!(!address_allowed(addr, AllowLoopback), "{addr}");
        }
    }

    #[test]
    fn loopback_is_refused_unless_allowed() {
        for addr in ips("127.0.0.1 127.255.255.254 ::1 ::ffff:127.0.0.1 64:ff9b::7f00:1") {
            assert!(!address_allowed(addr, Public), "{addr}");
            assert!(address_allowed(addr, AllowLoopback), "{addr}");
        }
    }

    #[test]
    fn judges_ipv6_carrying_ipv4_by_the_ipv4_address() {
        let refused = "::ffff:10.0.0.1 ::ffff:169.254.169.254 ::ffff:0.0.0.0 ::ffff:100.64.0.1
            ::ffff:192.168.1.1 64:ff9b::a00:1 2002:a00:1:: 2002:c0a8:101::1";
        for addr in ips(refused) {
            assert!(!address_allowed(addr, AllowLoopback), "{addr}");
        }
        for addr in ips("::ffff:93.184.216.34 64:ff9b::5db8:d822 2002:5db8:d822::1") {
            assert!(address_allowed(addr, Public), "{addr}");
        }
    }

    #[test]
    fn allows_public_addresses_including_range_edges() {
        let allowed = "93.184.216.34 1.1.1.1 8.8.8.8 11.0.0.1 172.15.255.255 172.32.0.0
            100.63.255.255 100.128.0.0 198.20.0.1 223.255.255.254
            2606:4700::1111 2001:4860:4860::8888 2a00:1450:4001::200e";
        for addr in ips(allowed) {
            assert!(address_allowed(addr, Public), "{addr}");
            assert!(address_allowed(addr, AllowLoopback), "{addr}");
        }
    }

    /// Why `check_url` refuses `url`.
    fn refusal(url: &str, policy: AddressPolicy) -> TargetError {
        check_url(url, policy).unwrap_err()
    }

    #[test]
    fn check_url_accepts_https_and_http_only_for_development() {
        let url = check_url("https://partner.example/hooks?x=1", Public).unwrap();
        assert_eq!(url.host_str(), Some("partner.example"));
        assert!(matches!(
            refusal("http://partner.example/hooks", Public),
            TargetError::Scheme { scheme } if scheme == "http"
        ));
        assert!(check_url("http://127.0.0.1:8080/hooks", AllowLoopback).is_ok());
        for policy in [Public, AllowLoopback] {
            let error = refusal("ftp://partner.example/", policy);
            assert!(matches!(error, TargetError::Scheme { .. }));
        }
    }

    #[test]
    fn check_url_refuses_credentials() {
        let urls = "https://user:pass@partner.example/ https://user@partner.example/
            https://:pass@partner.example/";
        for url in urls.split_whitespace() {
            let error = refusal(url, Public);
            assert!(matches!(error, TargetError::Credentials), "{url}");
        }
    }

    #[test]
    fn check_url_refuses_text_that_is_no_url_or_has_no_host() {
        for url in ["", "partner.example/hooks", "https://", "https://:443/"] {
            let error = refusal(url, Public);
            assert!(matches!(error, TargetError::Invalid(_)), "{url}");
        }
    }

    #[test]
    fn check_url_limits_the_length() {
        let base = "https://partner.example/";
        let longest = format!("{base}{}", "a".repeat(URL_MAX_LEN - base.len()));
        assert!(check_url(&longest, Public).is_ok());
        assert!(matches!(
            refusal(&format!("{longest}a"), Public),
            TargetError::TooLong { len } if len == URL_MAX_LEN + 1
        ));
    }

    #[test]
    fn check_url_refuses_a_literal_non_public_address() {
        for url in [
            "https://10.0.0.1/",
            "https://[fd00::1]/",
            "https://[::ffff:a00:1]/",
        ] {
            let error = refusal(url, AllowLoopback);
            assert!(
                matches!(error, TargetError::AddressNotAllowed { .. }),
                "{url}"
            );
        }
        assert!(matches!(
            refusal("https://[::1]:8443/", Public),
            TargetError::AddressNotAllowed { addr, .. } if addr == ip("::1")
        ));
        assert!(check_url("https://93.184.216.34/", Public).is_ok());
    }

    #[test]
    fn an_answer_mixing_public_and_private_addresses_is_refused() {
        let public: SocketAddr = "93.184.216.34:443".parse().unwrap();
        let private: SocketAddr = "10.0.0.7:443".parse().unwrap();
        let host = || "partner.example".to_owned();
        let alone = all_allowed(host(), vec![public], Public).unwrap();
        assert_eq!(alone, vec![public]);
        assert!(matches!(
            all_allowed(host(), vec![public, private], Public),
            Err(TargetError::AddressNotAllowed { addr, .. }) if addr == private.ip()
        ));
        assert!(matches!(
            all_allowed(host(), Vec::new(), Public),
            Err(TargetError::NoAddresses { .. })
        ));
    }

    #[tokio::test]
    async fn resolve_allowed_follows_the_policy_for_loopback() {
        let url = Url::parse("http://127.0.0.1:9/").unwrap();
        assert!(matches!(
            resolve_allowed(&url, Public).await,
            Err(TargetError::AddressNotAllowed { addr, .. }) if addr == ip("127.0.0.1")
        ));
        let addrs = resolve_allowed(&url, AllowLoopback).await.unwrap();
        assert_eq!(addrs, vec!["127.0.0.1:9".parse::<SocketAddr>().unwrap()]);
    }

    #[tokio::test]
    async fn resolve_allowed_uses_the_scheme_default_port() {
        let url = Url::parse("https://[::1]/hooks").unwrap();
        let addrs = resolve_allowed(&url, AllowLoopback).await.unwrap();
        assert_eq!(addrs, vec!["[::1]:443".parse::<SocketAddr>().unwrap()]);
        assert!(resolve_allowed(&url, Public).await.is_err());
    }
}

//! Who sent a request: the client's address and the request's id, decided once per request
//! by [`crate::telemetry::observe`] and used alike by throttles, logs and metrics.
//!
//! The socket peer is the client unless it is one of `LK_TRUSTED_PROXIES`; only then is the
//! forwarding header the proxy writes read — `X-Forwarded-For`, or `Forwarded` (RFC 7239) with
//! `LK_FORWARDED_HEADER=forwarded`, never both: a proxy that appends to one passes the other
//! through as the client wrote it — from the right, skipping our own proxies, and the first
//! untrusted hop is the client. An incoming `X-Request-Id` is kept only from a
//! trusted proxy too: anyone else could put anything in the logs.

use std::fmt;
use std::net::IpAddr;

use actix_web::http::header::HeaderMap;
use actix_web::{HttpMessage, HttpRequest};
use ipnet::IpNet;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Networks of the reverse proxies in front of the server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses a comma- or space-separated list of addresses and CIDR networks.
    pub fn parse(list: &str) -> Result<Self, String> {
        list.split([',', ' ', '\n', '\t'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(parse_net)
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|n| n.contains(&ip))
    }

    /// True when a network of the list is the whole address space (`0.0.0.0/0`, `::/0`).
    pub fn trusts_everyone(&self) -> bool {
        self.0.iter().any(|n| n.prefix_len() == 0)
    }
}

fn parse_net(s: &str) -> Result<IpNet, String> {
    s.parse::<IpNet>()
        .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("`{s}` is neither an IP address nor a CIDR network"))
}

impl fmt::Display for TrustedProxies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&list.join(","))
    }
}

impl Serialize for TrustedProxies {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for TrustedProxies {
    /// A string (`"10.0.0.5, 10.1.0.0/16"`, as in the environment) or a list (TOML).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            One(String),
            Many(Vec<String>),
        }
        let list = match Raw::deserialize(d)? {
            Raw::One(s) => s,
            Raw::Many(v) => v.join(","),
        };
        TrustedProxies::parse(&list).map_err(serde::de::Error::custom)
    }
}

/// An IPv4 address mapped into IPv6 (`::ffff:10.0.0.1`, as dual-stack sockets report it) is
/// the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// The header a trusted proxy writes the client's address in (`LK_FORWARDED_HEADER`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ForwardedHeader {
    #[default]
    XForwardedFor,
    /// RFC 7239.
    Forwarded,
}

/// What the server knows about the sender of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientInfo {
    /// The client's address (the socket peer, or the first hop a trusted proxy reported).
    pub ip: Option<IpAddr>,
    /// The id this request is logged under and answered with in `x-request-id`.
    pub request_id: String,
}

impl ClientInfo {
    /// Decides who sent a request with these headers through this peer.
    pub fn resolve(
        peer: Option<IpAddr>,
        headers: &HeaderMap,
        trusted: &TrustedProxies,
        header: ForwardedHeader,
    ) -> Self {
        let peer = peer.map(canonical);
        let from_proxy = peer.is_some_and(|p| trusted.contains(p));
        let ip = if from_proxy {
            client_behind_proxies(peer, forwarded_hops(headers, header), trusted)
        } else {
            peer
        };
        let request_id = headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .filter(|id| from_proxy && is_request_id(id))
            .map(str::to_owned)
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        Self { ip, request_id }
    }

    /// The address as text for throttling keys and logs (`unknown` without a peer).
    pub fn ip_text(&self) -> String {
        self.ip
            .map(|ip| ip.to_string())
            .unwrap_or_else(|| "unknown".into())
    }
}

/// An id fit for logs: 1–128 characters of letters, digits, `.`, `_`, `-`.
fn is_request_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Walks the forwarded hops from the right (the hop nearest to us) and answers the first one
/// that is not our own proxy. An unreadable hop (`unknown`, an obfuscated name) ends the walk:
/// the last address a trusted proxy vouched for is used.
fn client_behind_proxies(
    peer: Option<IpAddr>,
    hops: Vec<Option<IpAddr>>,
    trusted: &TrustedProxies,
) -> Option<IpAddr> {
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop {
            Some(ip) => {
                client = Some(*ip);
                if !trusted.contains(*ip) {
                    break;
                }
            }
            None => break,
        }
    }
    client
}

/// The addresses of the chosen header, left to right: the `for` parameters of `Forwarded`, or
/// the items of `X-Forwarded-For`; `None` for a hop that is not an IP address.
fn forwarded_hops(headers: &HeaderMap, header: ForwardedHeader) -> Vec<Option<IpAddr>> {
    if header == ForwardedHeader::Forwarded {
        return headers
            .get_all("forwarded")
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (k, v) = pair.split_once('=')?;
                    k.trim()
                        .eq_ignore_ascii_case("for")
                        .then(|| parse_hop(v.trim().trim_matches('"')))
                })
            })
            .collect();
    }
    headers
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|hop| parse_hop(hop.trim()))
        .collect()
}

/// `192.0.2.60`, `192.0.2.60:4711`, `2001:db8::1`, `[2001:db8::1]:4711`.
fn parse_hop(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok().map(canonical);
    }
    let (host, port) = s.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

/// The client of a request, as decided by the middleware (or from the socket when the
/// middleware did not run, e.g. in a unit test).
pub fn client_of(req: &HttpRequest) -> ClientInfo {
    req.extensions()
        .get::<ClientInfo>()
        .cloned()
        .unwrap_or_else(|| ClientInfo {
            ip: req.peer_addr().map(|a| canonical(a.ip())),
            request_id: uuid::Uuid::new_v4().to_string(),
        })
}

/// The client's address as text, for throttling keys.
pub fn client_ip(req: &HttpRequest) -> String {
    client_of(req).ip_text()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                HeaderName::from_bytes(k.as_bytes()).expect("name"),
                HeaderValue::from_str(v).expect("value"),
            );
        }
        h
    }

    const XFF: ForwardedHeader = ForwardedHeader::XForwardedFor;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn forwarded_headers_from_an_untrusted_peer_are_ignored() {
        let trusted = TrustedProxies::parse("10.0.0.0/8").expect("parse");
        let h = headers(&[
            ("x-forwarded-for", "1.2.3.4"),
            ("x-request-id", "attacker-chosen"),
        ]);
        let c = ClientInfo::resolve(Some(ip("203.0.113.9")), &h, &trusted, XFF);
        assert_eq!(c.ip, Some(ip("203.0.113.9")));
        assert_ne!(c.request_id, "attacker-chosen");
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client() {
        let trusted = TrustedProxies::parse("10.0.0.5, 10.1.0.0/16").expect("parse");
        // The client forged a first hop; the proxies appended the real one.
        let h = headers(&[
            ("x-forwarded-for", "6.6.6.6, 198.51.100.7"),
            ("x-forwarded-for", "10.1.2.3"),
            ("x-request-id", "req-42"),
        ]);
        let c = ClientInfo::resolve(Some(ip("10.0.0.5")), &h, &trusted, XFF);
        assert_eq!(c.ip, Some(ip("198.51.100.7")));
        assert_eq!(c.request_id, "req-42");
    }

    #[test]
    fn only_the_configured_header_is_read_and_forwarded_understands_ports_and_ipv6() {
        let trusted = TrustedProxies::parse("::1").expect("parse");
        let h = headers(&[
            (
                "forwarded",
                "for=192.0.2.60;proto=http, for=\"[2001:db8:cafe::17]:4711\";by=proxy",
            ),
            ("x-forwarded-for", "9.9.9.9"),
        ]);
        let c = ClientInfo::resolve(Some(ip("::1")), &h, &trusted, ForwardedHeader::Forwarded);
        assert_eq!(c.ip, Some(ip("2001:db8:cafe::17")));
        // A proxy that appends to X-Forwarded-For passes a client's own Forwarded through:
        // it must not be believed.
        let c = ClientInfo::resolve(Some(ip("::1")), &h, &trusted, XFF);
        assert_eq!(c.ip, Some(ip("9.9.9.9")));
    }

    #[test]
    fn an_unreadable_hop_stops_at_the_last_vouched_address() {
        let trusted = TrustedProxies::parse("10.0.0.5,10.0.0.6").expect("parse");
        let h = headers(&[("x-forwarded-for", "unknown, 10.0.0.6")]);
        let c = ClientInfo::resolve(Some(ip("10.0.0.5")), &h, &trusted, XFF);
        assert_eq!(c.ip, Some(ip("10.0.0.6")));
    }

    #[test]
    fn ipv4_mapped_peers_match_ipv4_networks_and_bad_ids_are_replaced() {
        let trusted = TrustedProxies::parse("127.0.0.1").expect("parse");
        let h = headers(&[
            ("x-forwarded-for", "198.51.100.7:5123"),
            ("x-request-id", "bad id with spaces"),
        ]);
        let c = ClientInfo::resolve(Some(ip("::ffff:127.0.0.1")), &h, &trusted, XFF);
        assert_eq!(c.ip, Some(ip("198.51.100.7")));
        assert_ne!(c.request_id, "bad id with spaces");
    }

    #[test]
    fn a_bad_network_is_refused_by_name() {
        let e = TrustedProxies::parse("10.0.0.0/8, nginx").expect_err("bad");
        assert!(e.contains("nginx"), "{e}");
    }
}

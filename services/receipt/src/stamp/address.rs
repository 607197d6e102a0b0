//! Which addresses a seal-stamp fetch may connect to. The URL is typed by a
//! user, so the fetch must never become a way into the internal network:
//! only globally routed unicast addresses are allowed, and every spelling of
//! a local address is refused — loopback, private, link-local, shared (CGNAT),
//! multicast, reserved, `0.0.0.0` (which reaches the local host on Linux),
//! `::`, IPv4-mapped and -compatible IPv6 (`::ffff:127.0.0.1`), NAT64
//! (`64:ff9b::/96`, `64:ff9b:1::/48`), 6to4 and Teredo (they embed an IPv4
//! address), site-local (`fec0::/10`) and unique-local (`fc00::/7`) IPv6.
//!
//! `RECEIPT_STAMP_ALLOWED_NETWORKS` lists networks allowed all the same: for
//! tests (a stamp host on 127.0.0.1) or a stamp server inside one's own
//! network. Nothing is allowed that way by default.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// One network in CIDR notation (`127.0.0.1/32`, `fd00::/8`; a bare address
/// is the network of just that address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    base: IpAddr,
    prefix: u8,
}

impl Network {
    pub fn parse(text: &str) -> Result<Network, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let base: IpAddr = address
            .parse()
            .map_err(|_| format!("`{text}` is not an IP network such as 10.1.0.0/16"))?;
        let max = if base.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("`{text}` has an invalid prefix length"))?,
        };
        Ok(Network { base, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.base, ip) {
            (IpAddr::V4(base), IpAddr::V4(ip)) => {
                prefix_eq(&base.octets(), &ip.octets(), self.prefix)
            }
            (IpAddr::V6(base), IpAddr::V6(ip)) => {
                prefix_eq(&base.octets(), &ip.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

fn prefix_eq(a: &[u8], b: &[u8], prefix: u8) -> bool {
    let full = usize::from(prefix / 8);
    let rest = prefix % 8;
    if a[..full] != b[..full] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xff_u8 << (8 - rest);
    (a[full] & mask) == (b[full] & mask)
}

/// Whether a fetch may connect to `ip`: a globally routed address, or one in
/// an explicitly allowed network.
pub fn permitted(ip: IpAddr, allowed: &[Network]) -> bool {
    allowed.iter().any(|n| n.contains(ip)) || is_global(ip)
}

pub fn is_global(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_global_v4(v4),
        IpAddr::V6(v6) => is_global_v6(v6),
    }
}

fn is_global_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let special = a == 0 // "this network", 0.0.0.0 included
        || a == 10
        || a == 127
        || (a == 100 && (b & 0xc0) == 64) // shared address space (CGNAT)
        || (a == 169 && b == 254)
        || (a == 172 && (b & 0xf0) == 16)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2) // documentation
        || (a == 192 && b == 88 && c == 99) // 6to4 relay anycast
        || (a == 192 && b == 168)
        || (a == 198 && (b & 0xfe) == 18) // benchmarking
        || (a == 198 && b == 51 && c == 100) // documentation
        || (a == 203 && b == 0 && c == 113) // documentation
        || a >= 224; // multicast, reserved, broadcast
    !special
}

/// Only global unicast (2000::/3) minus the blocks that embed or translate
/// an IPv4 address or are not routed. Everything outside 2000::/3 — `::`,
/// `::1`, `::ffff:0:0/96`, `64:ff9b::/96`, `fc00::/7`, `fe80::/10`,
/// `fec0::/10`, `ff00::/8` — is refused by that first rule.
fn is_global_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    let global_unicast = (s[0] & 0xe000) == 0x2000;
    // 2001::/23 holds the IETF assignments, Teredo (2001::/32) among them;
    // 2001:db8::/32 and 3fff::/20 are documentation; 2002::/16 is 6to4.
    let special = match s[0] {
        0x2001 => s[1] < 0x0200 || s[1] == 0x0db8,
        0x2002 => true,
        0x3fff => s[1] < 0x1000,
        _ => false,
    };
    global_unicast && !special
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or_else(|_| panic!("{text}"))
    }

    #[test]
    fn every_local_or_special_address_is_refused() {
        for text in [
            "0.0.0.0",
            "0.1.2.3",
            "127.0.0.1",
            "127.255.0.9",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.0.1",
            "169.254.169.254",
            "100.64.0.1",
            "192.0.0.170",
            "198.18.0.1",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:8.8.8.8",
            "::127.0.0.1",
            "64:ff9b::7f00:1",
            "64:ff9b::808:808",
            "64:ff9b:1::a00:1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "fec0::1",
            "feff::1",
            "ff02::1",
            "2001::1",
            "2001:db8::1",
            "2002:7f00:1::1",
            "100::1",
        ] {
            assert!(!permitted(ip(text), &[]), "{text}");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for text in [
            "8.8.8.8",
            "1.1.1.1",
            "211.249.220.24",
            "2606:4700::1111",
            "2404:6800:4004::200e",
        ] {
            assert!(permitted(ip(text), &[]), "{text}");
        }
        assert!(permitted(ip("172.32.0.1"), &[]), "just outside 172.16/12");
    }

    #[test]
    fn allowed_networks_open_exactly_their_range() {
        let allowed = [Network::parse("127.0.0.1/32").unwrap_or_else(|e| panic!("{e}"))];
        assert!(permitted(ip("127.0.0.1"), &allowed));
        assert!(!permitted(ip("127.0.0.2"), &allowed));
        assert!(
            !permitted(ip("::ffff:127.0.0.1"), &allowed),
            "no IPv6 spelling"
        );
        let wide = Network::parse("10.8.0.0/13").unwrap_or_else(|e| panic!("{e}"));
        assert!(wide.contains(ip("10.15.255.255")));
        assert!(!wide.contains(ip("10.16.0.0")));
        let single = Network::parse("fd00::5").unwrap_or_else(|e| panic!("{e}"));
        assert!(single.contains(ip("fd00::5")) && !single.contains(ip("fd00::6")));
        for bad in ["", "localhost", "10.0.0.0/33", "::/129", "10.0.0.0/x"] {
            assert!(Network::parse(bad).is_err(), "{bad}");
        }
    }
}

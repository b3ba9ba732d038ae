"""Which client sent a request, and the "subject" the guard counts it under (W2, no Django).

A subject is the unit the guard counts, registers and blocks: an IPv4 address as written
("203.0.113.7"), or an IPv6 /64 network ("2001:db8:1:2::/64") because one IPv6 host owns a
whole /64 and could otherwise step around a ban by changing its low 64 bits. An IPv4-mapped
IPv6 address counts as the IPv4 address it maps.

The client address is the TCP peer (REMOTE_ADDR) unless that peer is a configured trusted
proxy; only then is X-Forwarded-For read, right to left, skipping further trusted proxies.
A header sent by anyone else is ignored, so a spoofed header changes nothing.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def subject_of(address: str) -> str | None:
    """Return the subject for `address`; None when it is not an IP address.

    IPv4 in dotted form is returned as written after one strict parse (the fast path for the
    common case); IPv6 becomes its /64 network.
    """
    if not address:
        return None
    if ":" not in address:
        try:
            return str(ipaddress.IPv4Address(address))
        except ValueError:
            return None
    return _ipv6_subject(address)


@lru_cache(maxsize=1024)
def _ipv6_subject(address: str) -> str | None:
    # Cached only in process memory, never written anywhere (W1); bounded.
    try:
        ip = ipaddress.IPv6Address(address.split("%", 1)[0])
    except ValueError:
        return None
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))


def networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """Parse addresses or CIDR networks ("10.0.0.1", "10.0.0.0/8"); ValueError on a bad one."""
    return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())


def in_networks(address: str, nets: tuple[Network, ...]) -> bool:
    """True when `address` (an address or a subject) lies in one of `nets`."""
    if not nets:
        return False
    try:
        ip = ipaddress.ip_network(address, strict=False)
    except ValueError:
        return False
    return any(ip.version == n.version and ip.subnet_of(n) for n in nets)  # type: ignore[arg-type]


class ClientResolver:
    """Find the client address of a request from its peer and X-Forwarded-For (4: proxies)."""

    def __init__(self, trusted_proxies: Iterable[str] = ()) -> None:
        self.trusted = networks(trusted_proxies)
        self._trusted_plain = frozenset(
            str(n.network_address) for n in self.trusted if n.num_addresses == 1)

    def is_trusted(self, address: str) -> bool:
        return address in self._trusted_plain or in_networks(address, self.trusted)

    def client_address(self, remote_addr: str, forwarded_for: str | None) -> str:
        """Return the client address: the peer, unless the peer is a trusted proxy.

        For a trusted peer the X-Forwarded-For entries are read right to left and the first
        that is not itself a trusted proxy is the client. An empty or unparsable header from a
        trusted proxy leaves the proxy's own address (it is then what we can attribute).
        """
        if not forwarded_for or not self.trusted or not self.is_trusted(remote_addr):
            return remote_addr
        for hop in reversed(forwarded_for.split(",")):
            hop = hop.strip()
            if not hop:
                continue
            if subject_of(hop) is None:
                return remote_addr
            if not self.is_trusted(hop):
                return hop
        return remote_addr

"""The address plan: every address, prefix, ASN and IS-IS NET netlab hands out.

All values come from lab-safe ranges that never collide with real networks
(RFC 2544 benchmarking space, the IPv6 documentation prefix, the IPv4
TEST-NETs and the documentation and private ASN ranges). The plan is a set
of pure functions of an *index* (a router's, link's or site's position in its
topology file), so the same topology always gets the same addresses.

==========================  ============================  ==========================
what                        IPv4                          IPv6
==========================  ============================  ==========================
router loopbacks            198.18.0.0/18, /32 each       2001:db8::/64, /128 each
point-to-point links        198.18.64.0/18 then           2001:db8:1::/48, /127 each
                            198.18.128.0/17, /31 each
site prefixes (into BGP)    198.19.0.0/16: /24, /26, /28  2001:db8:2::/48: /56 or /64
external networks           192.0.2.0/24, 198.51.100.0/24,  2001:db8:f000::/36, /48 each
                            203.0.113.0/24 (TEST-NETs)
==========================  ============================  ==========================

ASNs: the classic backbone is AS 65000, the express planes AS 65010, express
DC routers AS 65100 + the DC's index, external networks 64496-64511 (RFC 5398).
Every ASN netlab accepts lies in 64496-64511 or 65000-65534.

Examples
--------
>>> str(loopback4(0)), str(link4(0)), isis_net(loopback4(0).ip)
('198.18.0.1/32', '198.18.64.0/31', '49.0001.1980.1800.0001.00')
"""

from __future__ import annotations

from ipaddress import (
    IPv4Address,
    IPv4Interface,
    IPv4Network,
    IPv6Address,
    IPv6Interface,
    IPv6Network,
)

from netlab.errors import TopologyError

__all__ = [
    "CLASSIC_ASN",
    "DC_ASN_BASE",
    "DOCUMENTATION_ASNS",
    "EXPRESS_ASN",
    "EXTERNAL_V4_SPACE",
    "EXTERNAL_V6_SPACE",
    "INFRA_V4",
    "INFRA_V6",
    "LINK_V4_SPACE",
    "LINK_V6_SPACE",
    "LOOPBACK_V4_SPACE",
    "LOOPBACK_V6_SPACE",
    "PRIVATE_ASNS",
    "SITE_V4_SPACE",
    "SITE_V6_SPACE",
    "asn_allowed",
    "dc_asn",
    "external_prefix4",
    "external_prefix6",
    "is_external_safe",
    "is_infra_safe",
    "isis_area",
    "isis_net",
    "link4",
    "link6",
    "loopback4",
    "loopback6",
    "max_links",
    "site_prefix4",
    "site_prefix6",
    "system_id",
]

CLASSIC_ASN = 65000
EXPRESS_ASN = 65010
DC_ASN_BASE = 65100
DOCUMENTATION_ASNS = range(64496, 64512)  # RFC 5398, 16-bit documentation ASNs
PRIVATE_ASNS = range(65000, 65535)  # the part of RFC 6996's private range we use

INFRA_V4 = IPv4Network("198.18.0.0/15")  # RFC 2544 benchmarking
INFRA_V6 = IPv6Network("2001:db8::/32")  # RFC 3849 documentation
LOOPBACK_V4_SPACE = IPv4Network("198.18.0.0/18")
LINK_V4_SPACE = (IPv4Network("198.18.64.0/18"), IPv4Network("198.18.128.0/17"))
SITE_V4_SPACE = IPv4Network("198.19.0.0/16")
LOOPBACK_V6_SPACE = IPv6Network("2001:db8::/64")
LINK_V6_SPACE = IPv6Network("2001:db8:1::/48")
SITE_V6_SPACE = IPv6Network("2001:db8:2::/48")
EXTERNAL_V4_SPACE = (IPv4Network("192.0.2.0/24"), IPv4Network("198.51.100.0/24"),
                     IPv4Network("203.0.113.0/24"))  # RFC 5737 TEST-NET-1/2/3
EXTERNAL_V6_SPACE = IPv6Network("2001:db8:f000::/36")


def _exhausted(what: str, index: int, limit: int) -> TopologyError:
    return TopologyError(f"address plan exhausted: {what} #{index + 1} does not fit "
                         f"(the lab-safe range holds {limit})")


def _check_index(index: int, limit: int, what: str) -> None:
    if index < 0:
        raise ValueError(f"{what} index must be >= 0, got {index}")
    if index >= limit:
        raise _exhausted(what, index, limit)


# -- loopbacks -----------------------------------------------------------------
_LOOPBACKS = LOOPBACK_V4_SPACE.num_addresses - 1  # .0 of the block is never handed out


def loopback4(index: int) -> IPv4Interface:
    """IPv4 loopback (/32) of the router at ``index``: 198.18.0.1, 198.18.0.2, ..."""
    _check_index(index, _LOOPBACKS, "router loopback")
    return IPv4Interface((int(LOOPBACK_V4_SPACE.network_address) + index + 1, 32))


def loopback6(index: int) -> IPv6Interface:
    """IPv6 loopback (/128) of the router at ``index``: 2001:db8::1, 2001:db8::2, ..."""
    _check_index(index, _LOOPBACKS, "router loopback")
    return IPv6Interface((int(LOOPBACK_V6_SPACE.network_address) + index + 1, 128))


# -- point-to-point links ----------------------------------------------------------
_LINKS4 = tuple(n.num_addresses // 2 for n in LINK_V4_SPACE)


def max_links() -> int:
    """How many point-to-point links the plan can address."""
    return sum(_LINKS4)


def link4(index: int) -> IPv4Network:
    """The /31 of the link at ``index`` (198.18.64.0/18 first, then 198.18.128.0/17)."""
    _check_index(index, max_links(), "point-to-point link")
    for block, size in zip(LINK_V4_SPACE, _LINKS4, strict=True):
        if index < size:
            return IPv4Network((int(block.network_address) + 2 * index, 31))
        index -= size
    raise AssertionError("unreachable: index was checked against max_links()")


def link6(index: int) -> IPv6Network:
    """The /127 of the link at ``index``, from 2001:db8:1::/48."""
    _check_index(index, max_links(), "point-to-point link")
    return IPv6Network((int(LINK_V6_SPACE.network_address) + 2 * index, 127))


# -- site prefixes -------------------------------------------------------------------
def _site_len4(total: int) -> int:
    for length in (24, 26, 28):
        if total <= 2 ** (length - SITE_V4_SPACE.prefixlen):
            return length
    raise _exhausted("site prefix", total - 1, 2 ** (28 - SITE_V4_SPACE.prefixlen))


def site_prefix4(index: int, total: int) -> IPv4Network:
    """IPv4 prefix the site at ``index`` originates, out of ``total`` sites.

    A /24 each while there are at most 256 sites, /26 up to 1,024 and /28 up
    to 4,096, all carved in order from 198.19.0.0/16.
    """
    length = _site_len4(total)
    _check_index(index, total, "site prefix")
    step = 2 ** (32 - length)
    return IPv4Network((int(SITE_V4_SPACE.network_address) + index * step, length))


def site_prefix6(index: int, total: int) -> IPv6Network:
    """IPv6 prefix of the site at ``index``: a /56 each for up to 256 sites, else a /64."""
    length = 56 if total <= 256 else 64
    _check_index(index, 2 ** (length - SITE_V6_SPACE.prefixlen), "site prefix")
    _check_index(index, total, "site prefix")
    step = 2 ** (128 - length)
    return IPv6Network((int(SITE_V6_SPACE.network_address) + index * step, length))


# -- external networks -----------------------------------------------------------------
def _external_len4(total: int) -> int:
    for length in range(24, 31):
        if total <= len(EXTERNAL_V4_SPACE) * 2 ** (length - 24):
            return length
    raise _exhausted("external network prefix", total - 1, len(EXTERNAL_V4_SPACE) * 64)


def external_prefix4(index: int, total: int) -> IPv4Network:
    """IPv4 prefix announced by external network ``index`` of ``total``.

    Carved from the three TEST-NETs in order, as large as the count allows:
    a /24 each for up to three networks, /25 for six, /26 for twelve, ...
    """
    length = _external_len4(total)
    _check_index(index, total, "external network prefix")
    per_block = 2 ** (length - 24)
    block = EXTERNAL_V4_SPACE[index // per_block]
    step = 2 ** (32 - length)
    return IPv4Network((int(block.network_address) + (index % per_block) * step, length))


def external_prefix6(index: int) -> IPv6Network:
    """IPv6 /48 announced by external network ``index``, from 2001:db8:f000::/36."""
    _check_index(index, 2 ** (48 - EXTERNAL_V6_SPACE.prefixlen), "external network prefix")
    return IPv6Network((int(EXTERNAL_V6_SPACE.network_address) + (index << 80), 48))


# -- safety checks ---------------------------------------------------------------------
def is_infra_safe(value: IPv4Network | IPv6Network | IPv4Address | IPv6Address) -> bool:
    """True if an infrastructure address or prefix lies in 198.18.0.0/15 or 2001:db8::/32."""
    if isinstance(value, IPv4Address | IPv6Address):
        return value in (INFRA_V4 if value.version == 4 else INFRA_V6)
    if isinstance(value, IPv4Network):
        return value.subnet_of(INFRA_V4)
    return value.subnet_of(INFRA_V6)


def is_external_safe(prefix: IPv4Network | IPv6Network) -> bool:
    """True if an external network's prefix lies in a TEST-NET or 2001:db8::/32."""
    if isinstance(prefix, IPv4Network):
        return any(prefix.subnet_of(block) for block in EXTERNAL_V4_SPACE)
    return prefix.subnet_of(INFRA_V6)


def asn_allowed(asn: int) -> bool:
    """True for ASNs in the documentation range 64496-64511 or in 65000-65534."""
    return asn in DOCUMENTATION_ASNS or asn in PRIVATE_ASNS


def dc_asn(dc_index: int) -> int:
    """Private ASN of the express DC routers at the ``dc_index``-th data centre."""
    asn = DC_ASN_BASE + dc_index
    if not asn_allowed(asn):
        raise TopologyError(f"ASN plan exhausted: data centre #{dc_index + 1} would need "
                            f"AS {asn}, beyond 65534")
    return asn


# -- IS-IS -------------------------------------------------------------------------------
def system_id(loopback: IPv4Address) -> str:
    """IS-IS system id from the loopback's digits: 198.18.0.1 → ``1980.1800.0001``."""
    digits = "".join(f"{octet:03d}" for octet in loopback.packed)
    return ".".join(digits[i:i + 4] for i in range(0, 12, 4))


def isis_area(plane: int | None) -> int:
    """IS-IS area number: 1 for the classic backbone, ``plane + 1`` on express plane ``plane``."""
    return 1 if plane is None else plane + 1


def isis_net(loopback: IPv4Address, area: int = 1) -> str:
    """The NET ``49.<area>.<system id>.00`` of a router (area as four digits)."""
    if not 1 <= area <= 9999:
        raise ValueError(f"IS-IS area must be 1..9999, got {area}")
    return f"49.{area:04d}.{system_id(loopback)}.00"

"""FRR 8.4's ``show … json`` output, read into typed observations.

Pure functions from decoded JSON to frozen records; nothing here talks to a
router, so every reader is tested on real captured output. Shapes (checked
on FRR 8.4.4):

* ``show isis neighbor json``: ``{"areas": [{"area", "circuits": [{"adj",
  "interface", "level", "state"}, …]}]}`` — circuits without ``adj`` (a
  passive loopback) are empty placeholders.
* ``show ip route json`` / ``show ipv6 route json``: ``{prefix: [entry…]}``,
  each entry with ``protocol``, ``selected``, ``metric``, ``distance`` and
  ``nexthops`` (``ip``, ``interfaceName``, ``active``, ``recursive``…).
  ``show isis route`` has no JSON in 8.4, so IS-IS routes are read from here.
* ``show bgp neighbors json``: ``{address: {"remoteAs", "localAs",
  "bgpState", "hostname"…}}``.
* ``show bgp ipv4 unicast json``: ``{"routes": {prefix: [path…]}}``, each
  path with ``valid``, ``bestpath``, ``multipath``, ``path`` (AS path text),
  ``locPrf``, ``metric``, ``origin``, ``peerId`` and ``nexthops``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network
from typing import Any

from netlab.errors import LabError

__all__ = [
    "BgpPathObs",
    "BgpPeerObs",
    "IsisNeighborObs",
    "NextHop",
    "RouteObs",
    "bgp_paths",
    "bgp_peers",
    "isis_neighbors",
    "routes",
    "split_json",
]

IPAddress = IPv4Address | IPv6Address


@dataclass(frozen=True, slots=True, order=True)
class IsisNeighborObs:
    """One IS-IS adjacency as a router reports it."""

    router: str
    interface: str
    neighbor: str  # the neighbor's hostname (dynamic hostname) or system id
    level: int
    state: str  # Up, Initializing, Down


@dataclass(frozen=True, slots=True, order=True)
class NextHop:
    """A resolved next hop: an address and/or an interface (both None = discard)."""

    ip: str | None
    interface: str | None


@dataclass(frozen=True, slots=True)
class RouteObs:
    """One RIB entry of zebra (``selected`` = the one the FIB uses)."""

    router: str
    prefix: str
    protocol: str
    selected: bool
    distance: int
    metric: int
    next_hops: tuple[NextHop, ...]
    blackhole: bool = False
    recursive: tuple[str, ...] = ()  # next hops resolved through other routes (BGP's)


@dataclass(frozen=True, slots=True)
class BgpPeerObs:
    """One configured BGP neighbor and the state of its session."""

    router: str
    peer: str
    local_as: int
    remote_as: int
    state: str  # Established, Active, Connect, OpenSent, Idle …
    peer_hostname: str = ""
    last_reason: str = ""  # FRR's lastNotificationReason, e.g. "Cease/Maximum Number of …"


@dataclass(frozen=True, slots=True)
class BgpPathObs:
    """One BGP path in a router's Loc-RIB."""

    router: str
    prefix: str
    next_hop: str
    as_path: tuple[int, ...]
    local_pref: int | None
    med: int | None
    origin: str
    best: bool
    multipath: bool
    peer: str  # the neighbor it came from; "" for a locally originated path


def split_json(text: str) -> list[Any]:
    """Decode several JSON documents printed back to back (``vtysh -c … -c …``)."""
    decoder = json.JSONDecoder()
    out: list[Any] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            return out
        try:
            value, i = decoder.raw_decode(text, i)
        except ValueError as exc:
            raise LabError(f"FRR printed something that is not JSON: "
                           f"{text[i:i + 80]!r} ({exc})") from None
        out.append(value)


def isis_neighbors(router: str, data: Any) -> list[IsisNeighborObs]:
    """Adjacencies from ``show isis neighbor json``."""
    out: list[IsisNeighborObs] = []
    for area in _as_list(data.get("areas") if isinstance(data, dict) else None):
        for c in _as_list(area.get("circuits")):
            if "adj" not in c:
                continue
            itf = c.get("interface")
            name = itf.get("name", "") if isinstance(itf, dict) else str(itf or "")
            state = c.get("state") or (itf.get("state", "") if isinstance(itf, dict) else "")
            out.append(IsisNeighborObs(router, name, str(c["adj"]), int(c.get("level", 0)),
                                       str(state)))
    return sorted(out)


def _as_list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def routes(router: str, data: Any) -> list[RouteObs]:
    """RIB entries from ``show ip route json`` or ``show ipv6 route json``."""
    out: list[RouteObs] = []
    if not isinstance(data, dict):
        return out
    for prefix, entries in data.items():
        for e in _as_list(entries):
            hops: list[NextHop] = []
            via: list[str] = []
            blackhole = False
            for nh in _as_list(e.get("nexthops")):
                if nh.get("blackhole") or nh.get("unreachable"):
                    blackhole = True
                    continue
                if nh.get("recursive"):
                    if nh.get("ip"):
                        via.append(str(nh["ip"]))
                    continue  # the resolving next hops follow as their own entries
                if e.get("selected") and not nh.get("active"):
                    continue
                hops.append(NextHop(nh.get("ip"), nh.get("interfaceName")))
            out.append(RouteObs(
                router=router,
                prefix=str(ip_network(prefix, strict=False)),
                protocol=str(e.get("protocol", "")),
                selected=bool(e.get("selected", False)),
                distance=int(e.get("distance", 0)),
                metric=int(e.get("metric", 0)),
                next_hops=tuple(sorted(set(hops), key=_hop_key)),
                blackhole=blackhole,
                recursive=tuple(sorted(set(via))),
            ))
    return out


def _hop_key(h: NextHop) -> tuple[str, str]:
    return (h.ip or "", h.interface or "")


def bgp_peers(router: str, data: Any) -> list[BgpPeerObs]:
    """Sessions from ``show bgp neighbors json``."""
    out: list[BgpPeerObs] = []
    if not isinstance(data, dict):
        return out
    for peer, info in data.items():
        if not isinstance(info, dict) or "bgpState" not in info:
            continue
        out.append(BgpPeerObs(router, str(ip_address(peer)), int(info.get("localAs", 0)),
                              int(info.get("remoteAs", 0)), str(info["bgpState"]),
                              str(info.get("hostname", "")),
                              str(info.get("lastNotificationReason", ""))))
    return sorted(out, key=lambda p: _addr_key(p.peer))


def _addr_key(text: str) -> tuple[int, int]:
    a = ip_address(text)
    return (a.version, int(a))


def bgp_paths(router: str, data: Any) -> list[BgpPathObs]:
    """Loc-RIB paths from ``show bgp ipv4 unicast json`` (or ipv6)."""
    out: list[BgpPathObs] = []
    table = data.get("routes") if isinstance(data, dict) else None
    if not isinstance(table, dict):
        return out
    for prefix, paths in table.items():
        for p in _as_list(paths):
            if not p.get("valid", False):
                continue
            out.append(BgpPathObs(
                router=router,
                prefix=str(ip_network(prefix, strict=False)),
                next_hop=_path_next_hop(p),
                as_path=tuple(int(a) for a in str(p.get("path", "")).split() if a.isdigit()),
                local_pref=_opt_int(p.get("locPrf")),
                med=_opt_int(p.get("metric")),
                origin=str(p.get("origin", "")),
                best=bool(p.get("bestpath", False)),
                multipath=bool(p.get("multipath", False)),
                peer="" if p.get("peerId") in (None, "(unspec)") else str(p["peerId"]),
            ))
    return out


def _path_next_hop(path: dict[str, Any]) -> str:
    """The path's BGP next hop: its global address (an IPv6 eBGP path also carries
    the peer's link-local address, which FRR marks as the one used)."""
    hops = _as_list(path.get("nexthops"))
    for h in hops:
        ip = h.get("ip")
        if ip and h.get("scope") != "link-local" and not str(ip).lower().startswith("fe80:"):
            return str(ip)
    return str(hops[0].get("ip", "")) if hops else ""


def _opt_int(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) else None


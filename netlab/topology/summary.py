"""A network as plain, JSON-able data: what ``netlab topology show`` prints.

Derived values are spelled out (addresses, interface names in each vendor's
style, latencies, metrics), so the output answers "what is on et-0/0/3 of
nyc1-bb1" without reading configs.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from netlab.model.network import Network
from netlab.model.types import LinkKind

__all__ = ["demand_totals", "network_summary"]


def demand_totals(network: Network) -> list[dict[str, Any]]:
    """Per site: Gbps it sends and receives at peak, busiest first."""
    out_g: dict[str, float] = defaultdict(float)
    in_g: dict[str, float] = defaultdict(float)
    for d in network.demands:
        out_g[d.src] += d.gbps
        in_g[d.dst] += d.gbps
    rows = [{"site": s, "out_gbps": round(out_g[s], 1), "in_gbps": round(in_g[s], 1)}
            for s in network.sites if out_g[s] or in_g[s]]
    return sorted(rows, key=lambda r: (-(r["out_gbps"] + r["in_gbps"]), r["site"]))


def network_summary(network: Network) -> dict[str, Any]:
    """Everything about ``network`` as nested dicts, lists, strings and numbers."""
    longhaul = [lk for lk in network.links.values() if lk.kind is LinkKind.LONGHAUL]
    by_site: dict[str, list[str]] = defaultdict(list)
    for r in network.routers.values():
        by_site[r.site].append(r.name)
    return {
        "name": network.name,
        "backbone": network.backbone.value,
        "asn": network.asn,
        "planes": network.planes,
        "description": network.description,
        "totals": {
            "sites": len(network.sites),
            "routers": len(network.routers),
            "links": len(network.links),
            "longhaul_links": len(longhaul),
            "srlgs": len(network.srlgs()),
            "external_networks": len(network.external_networks),
            "demands": len(network.demands),
            "demand_gbps": round(sum(d.gbps for d in network.demands), 1),
            "longhaul_capacity_gbps": sum(lk.capacity_gbps for lk in longhaul),
        },
        "sites": [
            {"name": s.name, "kind": s.kind.value, "city": s.city, "lat": s.lat, "lon": s.lon,
             "routers": by_site.get(s.name, []),
             "prefix4": str(p.ipv4) if (p := network.site_prefixes.get(s.name)) else None,
             "prefix6": str(p.ipv6) if p else None,
             "origin_routers": list(p.origin_routers) if p else []}
            for s in network.sites.values()
        ],
        "routers": [
            {"name": r.name, "role": r.role.value, "site": r.site, "vendor": r.vendor.value,
             "asn": r.asn, "loopback4": str(r.loopback4), "loopback6": str(r.loopback6),
             "net": r.net, "plane": r.plane, "route_reflector": r.route_reflector,
             "network": r.network}
            for r in network.routers.values()
        ],
        "links": [
            {"id": lk.id, "kind": lk.kind.value,
             "a": lk.a.router, "a_interface": network.interface_of(lk, lk.a.router),
             "a_address4": str(lk.address4(lk.a.router)),
             "b": lk.b.router, "b_interface": network.interface_of(lk, lk.b.router),
             "b_address4": str(lk.address4(lk.b.router)),
             "capacity_gbps": lk.capacity_gbps, "latency_ms": lk.latency_ms,
             "metric": lk.metric, "ipv4": str(lk.ipv4), "ipv6": str(lk.ipv6),
             "srlgs": list(lk.srlgs), "plane": lk.plane}
            for lk in network.links.values()
        ],
        "external_networks": [
            {"name": e.name, "asn": e.asn, "kind": e.kind.value,
             "prefixes": [str(p) for p in (*e.prefixes4, *e.prefixes6)],
             "routers": [r.name for r in network.routers.values() if r.network == e.name]}
            for e in network.external_networks.values()
        ],
        "demand_totals": demand_totals(network),
    }

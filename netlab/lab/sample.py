"""Generated classic backbones of any size, for quick lab tests.

:func:`ring_topology` lays ``n`` backbone routers on a ring of PoPs with a
chord every ``chord`` routers (so every router has two or three core links
and a single failure never partitions the ring), two route reflectors, and
each site originating its prefix. Everything else — addresses, ports,
latencies, metrics — comes from the topology builder, so the result is an
ordinary :class:`~netlab.model.network.Network`.

>>> net = ring_topology(6)
>>> len(net.routers), len(net.links)
(6, 9)
"""

from __future__ import annotations

import math

from netlab.model.network import Network

__all__ = ["ring_topology"]


def ring_topology(n: int, *, chord: int = 2, name: str | None = None) -> Network:
    """A ring of ``n`` bb routers (one per PoP) with chords; RRs are the first two."""
    from netlab.topology.build import build_network
    from netlab.topology.schema import TopologySpec

    if n < 3:
        raise ValueError("a ring needs at least 3 routers")
    sites, routers, links = [], [], []
    for i in range(n):
        angle = 2 * math.pi * i / n
        site = f"s{i + 1:03d}"
        sites.append({"name": site, "kind": "pop", "city": f"City {i + 1}",
                      "lat": round(40 + 10 * math.sin(angle), 4),
                      "lon": round(-30 + 60 * math.cos(angle), 4)})
        routers.append({"name": f"bb{i + 1}", "role": "bb", "site": site,
                        "vendor": "frr", "route_reflector": i < 2})
    pairs = {(i, (i + 1) % n) for i in range(n)}
    if chord > 0:
        pairs |= {(i, (i + n // 2) % n) for i in range(0, n, max(1, chord))
                  if (i + n // 2) % n != i}
    seen = set()
    for a, b in sorted(pairs):
        key = (min(a, b), max(a, b))
        if key in seen:
            continue
        seen.add(key)
        links.append({"a": f"bb{key[0] + 1}", "b": f"bb{key[1] + 1}",
                      "srlgs": [f"conduit-{key[0] // 4}"]})
    spec = TopologySpec.model_validate({
        "name": name or f"ring{n}", "backbone": "classic", "sites": sites,
        "routers": routers, "links": links,
    })
    return build_network(spec)

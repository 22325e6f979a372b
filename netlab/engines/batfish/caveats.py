"""Network-wide limits of Batfish's model, found in a network's configs.

Some differences do not depend on the fault at all but on the network being
graded: which vendors run IS-IS how, whether IPv6 is configured, which
Batfish release answers. :func:`network_findings` lists them for a set of
configs (a drill's state or a snapshot), each as a
:class:`~netlab.engines.batfish.capability.Finding`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from netlab.engines.base import Question
from netlab.engines.batfish.capability import (
    FRR,
    Difference,
    Finding,
    Verdict,
)
from netlab.model.device import DeviceConfig
from netlab.model.types import Vendor

__all__ = ["EOS_ISIS_RELEASE", "network_findings", "release_year"]

EOS_ISIS_RELEASE = 2026
XR_ISIS_COST = 10
_ROUTE_QUESTIONS = (Question.ISIS_ROUTES, Question.ROUTES, Question.TRACEROUTE,
                    Question.REACHABILITY, Question.DIFFERENTIAL_REACHABILITY)
_IPV4_ONLY = (Question.LAYER3_EDGES, Question.BGP_SESSION_STATUS,
              Question.BGP_SESSION_COMPATIBILITY, Question.BGP_RIB, Question.ROUTES,
              Question.ISIS_ROUTES)


def release_year(version: str | None) -> int | None:
    """The year of a Batfish release (``2026.9.17.3748`` → 2026; ``0.36.0`` → 0)."""
    if not version:
        return None
    m = re.match(r"\s*(\d+)", version)
    return int(m.group(1)) if m else None


def _names(hosts: list[str], limit: int = 4) -> str:
    more = f" and {len(hosts) - limit} more" if len(hosts) > limit else ""
    return ", ".join(hosts[:limit]) + more


def network_findings(configs: Mapping[str, DeviceConfig], batfish_version: str | None = None
                     ) -> tuple[Finding, ...]:
    """What Batfish cannot model, or models differently, in this network as a whole."""
    out: list[Finding] = []
    frr = sorted(h for h, c in configs.items() if c.vendor is Vendor.FRR)
    if frr:
        out.append(Finding("network", Verdict.NOT_MODELLED,
                           f"{FRR.reason}: {_names(frr)} would be missing"))
    xr = sorted(h for h, c in configs.items() if c.vendor is Vendor.IOSXR and any(
        i.isis is not None and not i.isis.passive and i.isis.metric != XR_ISIS_COST
        for i in c.interfaces))
    if xr:
        out.append(Finding(
            "network", Verdict.DIFFERS,
            f"Batfish costs every IOS-XR IS-IS interface {XR_ISIS_COST}, but {_names(xr)} "
            "configure other metrics: IS-IS paths through them, and BGP best paths chosen "
            "by IGP cost, may differ",
            (*(Difference(q) for q in _ROUTE_QUESTIONS),
             Difference(Question.BGP_RIB, frozenset({"status"})))))
    eos = sorted(h for h, c in configs.items() if c.vendor is Vendor.EOS and c.isis is not None
                 and any(i.isis is not None for i in c.interfaces))
    year = release_year(batfish_version)
    if eos and year is not None and year < EOS_ISIS_RELEASE:
        out.append(Finding("network", Verdict.NOT_MODELLED,
                           f"Batfish {batfish_version} does not read EOS interface IS-IS "
                           f"(needs a {EOS_ISIS_RELEASE} release): {_names(eos)} would form "
                           "no adjacencies"))
    elif eos and year is None:
        out.append(Finding("network", Verdict.FAITHFUL,
                           f"EOS routers run IS-IS ({_names(eos)}): Batfish reads EOS interface "
                           f"IS-IS from its {EOS_ISIS_RELEASE} releases on"))
    passive = sorted(h for h, c in configs.items() if c.vendor is not Vendor.FRR and any(
        i.isis is not None and i.isis.passive and i.isis.metric != 0 for i in c.interfaces))
    if passive:
        out.append(Finding(
            "network", Verdict.DIFFERS,
            "Batfish advertises passive IS-IS interfaces (every loopback here) at metric 0, "
            "routers at their configured metric: route metrics to those prefixes differ",
            (Difference(Question.ISIS_ROUTES, frozenset({"metric"})),
             Difference(Question.ROUTES, frozenset({"metric"})))))
    v6 = any(i.ipv6 is not None for c in configs.values() for i in c.interfaces)
    if v6:
        out.append(Finding(
            "network", Verdict.DIFFERS,
            "Batfish models IPv4 only: IPv6 edges, sessions and routes get no rows",
            tuple(Difference(q, ipv6_only=True) for q in _IPV4_ONLY)))
    return tuple(out)

"""Hypothesis strategies for vendor-neutral DeviceConfig values.

Only configs every vendor can express are generated (see docs/config-model.md,
"What every vendor can express"): one loopback, physical interfaces named in the
vendor's style, ``cluster_id`` set exactly when a neighbor is an RR client,
update-source only on the loopback, policies and prefix lists that exist, one
address family per prefix list, no static discard route on a BGP network.
Every value is returned normalized, as parsers return them.
"""

from __future__ import annotations

import dataclasses
from ipaddress import (
    IPv4Address,
    IPv4Interface,
    IPv4Network,
    IPv6Address,
    IPv6Interface,
    IPv6Network,
)

from hypothesis import strategies as st

from netlab.model.device import (
    Action,
    AuthType,
    BgpConfig,
    BgpNeighbor,
    DeviceConfig,
    HelloAuth,
    InterfaceConfig,
    IsisInterface,
    IsisLevel,
    IsisProcess,
    PolicyTerm,
    PrefixList,
    PrefixListEntry,
    RoutePolicy,
    StaticRoute,
)
from netlab.model.naming import interface_name, loopback_name
from netlab.model.types import Vendor

__all__ = ["device_configs"]

RESERVED_POLICIES = {"NEXT-HOP-SELF", "BGP-ORIGINATE"}
NARROW_METRIC_VENDORS = {Vendor.JUNOS, Vendor.IOSXR, Vendor.FRR}

hostnames = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
descriptions = st.one_of(
    st.just(""), st.from_regex(r"[A-Za-z0-9_.:-]([A-Za-z0-9 _.:-]{0,28}[A-Za-z0-9_.:-])?",
                               fullmatch=True))
keys = st.from_regex(r"[A-Za-z0-9]{1,16}", fullmatch=True)
policy_names = st.from_regex(r"[A-Z][A-Z0-9_-]{0,14}", fullmatch=True).filter(
    lambda n: n not in RESERVED_POLICIES)
term_names = st.from_regex(r"[a-z][a-z0-9-]{0,9}", fullmatch=True)
asns = st.one_of(st.integers(64496, 64511), st.integers(65000, 65534))


@st.composite
def _v4_slash31(draw: st.DrawFn, index: int) -> IPv4Interface:
    base = int(IPv4Address("198.18.64.0")) + 2 * index
    return IPv4Interface(f"{IPv4Address(base + draw(st.integers(0, 1)))}/31")


@st.composite
def _v6_slash127(draw: st.DrawFn, index: int) -> IPv6Interface:
    base = int(IPv6Address("2001:db8:1::")) + 2 * index
    return IPv6Interface(f"{IPv6Address(base + draw(st.integers(0, 1)))}/127")


@st.composite
def isis_interfaces(draw: st.DrawFn, wide: bool, passive: bool | None = None) -> IsisInterface:
    auth = draw(st.one_of(st.none(), st.builds(HelloAuth, st.sampled_from(AuthType), keys)))
    return IsisInterface(
        metric=draw(st.integers(1, 16_777_214 if wide else 63)),
        passive=draw(st.booleans()) if passive is None else passive,
        point_to_point=draw(st.booleans()),
        level=draw(st.sampled_from(IsisLevel)),
        hello_auth=auth,
    )


@st.composite
def interfaces(draw: st.DrawFn, vendor: Vendor, with_isis: bool, wide: bool
               ) -> tuple[InterfaceConfig, ...]:
    lo_index = draw(st.integers(1, 16000))
    lo = InterfaceConfig(
        name=loopback_name(vendor),
        description=draw(descriptions),
        ipv4=IPv4Interface(f"{IPv4Address(int(IPv4Address('198.18.0.0')) + lo_index)}/32"),
        ipv6=draw(st.one_of(st.none(), st.just(IPv6Interface(f"2001:db8::{lo_index:x}/128")))),
        isis=draw(isis_interfaces(wide, passive=True)) if with_isis and draw(st.booleans())
        else None,
        loopback=True,
    )
    ports = draw(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 15)), max_size=5,
                          unique=True))
    speeds = st.sampled_from([10, 100, 400])
    out = [lo]
    for i, (slot, port) in enumerate(ports):
        out.append(InterfaceConfig(
            name=interface_name(vendor, slot, port, draw(speeds)),
            description=draw(descriptions),
            enabled=draw(st.booleans()),
            ipv4=draw(st.one_of(st.none(), _v4_slash31(i))),
            ipv6=draw(st.one_of(st.none(), _v6_slash127(i))),
            mtu=draw(st.integers(1280, 9178)),
            isis=draw(isis_interfaces(wide)) if with_isis and draw(st.booleans()) else None,
            mpls=draw(st.booleans()),
        ))
    # Names may collide across speeds (same slot/port): keep the first of each name.
    seen: set[str] = set()
    unique = []
    for itf in out:
        if itf.name not in seen:
            seen.add(itf.name)
            unique.append(itf)
    return tuple(unique)


@st.composite
def prefix_lists(draw: st.DrawFn) -> tuple[PrefixList, ...]:
    names = draw(st.lists(policy_names, max_size=3, unique=True))
    out = []
    for name in names:
        v6 = draw(st.booleans())
        entries = []
        for _ in range(draw(st.integers(1, 4))):
            if v6:
                plen = draw(st.integers(32, 64))
                net: IPv4Network | IPv6Network = IPv6Network(
                    f"2001:db8:{draw(st.integers(0, 0xffff)):x}::/{plen}", strict=False)
                le = draw(st.one_of(st.none(), st.integers(plen + 1, 128)))
            else:
                plen = draw(st.integers(16, 30))
                third = draw(st.sampled_from(["192.0.2.0", "198.51.100.0", "203.0.113.0",
                                              "198.19.0.0", "198.18.0.0"]))
                net = IPv4Network(f"{third}/{plen}", strict=False)
                le = draw(st.one_of(st.none(), st.integers(plen + 1, 32)))
            entry = PrefixListEntry(net, le)
            if entry not in entries:
                entries.append(entry)
        out.append(PrefixList(name, tuple(entries)))
    return tuple(out)


@st.composite
def route_policies(draw: st.DrawFn, lists: tuple[PrefixList, ...]) -> tuple[RoutePolicy, ...]:
    taken = {p.name for p in lists}
    names = draw(st.lists(policy_names.filter(lambda n: n not in taken), max_size=3,
                          unique=True))
    out = []
    for name in names:
        terms = []
        for tname in draw(st.lists(term_names, min_size=1, max_size=4, unique=True)):
            action = draw(st.sampled_from(Action))
            permit = action is Action.PERMIT
            terms.append(PolicyTerm(
                name=tname,
                action=action,
                match_prefix_list=draw(st.one_of(st.none(),
                                                 st.sampled_from([p.name for p in lists])))
                if lists else None,
                set_local_preference=draw(st.one_of(st.none(), st.integers(0, 65535)))
                if permit else None,
                set_med=draw(st.one_of(st.none(), st.integers(0, 65535))) if permit else None,
                prepend_as=draw(st.integers(0, 3)) if permit else 0,
            ))
        out.append(RoutePolicy(name, tuple(terms), draw(st.sampled_from(Action))))
    return tuple(out)


@st.composite
def bgp_configs(draw: st.DrawFn, lo: InterfaceConfig, policies: tuple[RoutePolicy, ...]
                ) -> BgpConfig:
    asn = draw(asns)
    router_id = lo.ipv4.ip if lo.ipv4 and draw(st.booleans()) else draw(
        st.builds(IPv4Address, st.integers(int(IPv4Address("198.18.0.1")),
                                           int(IPv4Address("198.18.63.255")))))
    policy = st.one_of(st.none(), st.sampled_from([p.name for p in policies])) if policies \
        else st.none()
    neighbors = []
    addrs = draw(st.lists(st.integers(1, 4000), max_size=5, unique=True))
    for n in addrs:
        v6 = draw(st.booleans())
        address: IPv4Address | IPv6Address = (
            IPv6Address(f"2001:db8::{n:x}") if v6
            else IPv4Address(int(IPv4Address("198.18.0.0")) + n))
        ibgp = draw(st.booleans())
        has_src = (lo.ipv6 is not None) if v6 else (lo.ipv4 is not None)
        neighbors.append(BgpNeighbor(
            address=address,
            remote_as=asn if ibgp else draw(asns.filter(lambda a: a != asn)),
            description=draw(descriptions),
            update_source=lo.name if has_src and draw(st.booleans()) else None,
            next_hop_self=draw(st.booleans()),
            route_reflector_client=ibgp and draw(st.booleans()),
            import_policy=draw(policy),
            export_policy=draw(policy),
            shutdown=draw(st.booleans()),
            password=draw(st.one_of(st.none(), keys)),
            max_prefix=draw(st.one_of(st.none(), st.integers(1, 1_000_000))),
        ))
    clients = any(nb.route_reflector_client for nb in neighbors)
    networks = draw(st.lists(st.one_of(
        st.builds(lambda i: IPv4Network(f"198.19.{i}.0/24"), st.integers(0, 255)),
        st.builds(lambda i: IPv6Network(f"2001:db8:2:{i:x}::/64"), st.integers(0, 0xfff)),
    ), max_size=3, unique=True))
    return BgpConfig(
        asn=asn,
        router_id=router_id,
        cluster_id=draw(st.builds(IPv4Address, st.integers(int(IPv4Address("198.18.0.1")),
                                                           int(IPv4Address("198.18.63.255")))))
        if clients else None,
        neighbors=tuple(neighbors),
        networks=tuple(networks),
        multipath=draw(st.booleans()),
    )


@st.composite
def static_routes(draw: st.DrawFn) -> tuple[StaticRoute, ...]:
    out = []
    for i in draw(st.lists(st.integers(0, 255), max_size=3, unique=True)):
        if draw(st.booleans()):
            nh4 = draw(st.one_of(st.none(), st.just(IPv4Address(f"198.18.64.{i}"))))
            out.append(StaticRoute(IPv4Network(f"198.19.{128 + i // 2}.0/25"), nh4))
        else:
            nh6 = draw(st.one_of(st.none(), st.just(IPv6Address(f"2001:db8:1::{i:x}"))))
            out.append(StaticRoute(IPv6Network(f"2001:db8:3:{i:x}::/64"), nh6))
    # Two ports can map to the same /25 discard route; a router holds a route once.
    # A prefix is a discard route or has next-hops, not both: Junos writes them as
    # alternatives of one `route <prefix>` statement.
    kinds: dict[object, bool] = {}
    kept = [r for r in dict.fromkeys(out)
            if kinds.setdefault(r.prefix, r.next_hop is None) == (r.next_hop is None)]
    return tuple(kept)


@st.composite
def device_configs(draw: st.DrawFn, vendor: Vendor) -> DeviceConfig:
    """A DeviceConfig of ``vendor`` that every renderer and parser must round-trip."""
    with_isis = draw(st.booleans())
    # EOS IS-IS speaks wide metrics only (there is no metric-style command).
    wide = draw(st.booleans()) if with_isis and vendor in NARROW_METRIC_VENDORS else True
    itfs = draw(interfaces(vendor, with_isis, wide))
    isis = None
    if with_isis:
        sysid = draw(st.integers(1, 0xFFFF_FFFF_FFFF))
        digits = f"{sysid:012x}"
        isis = IsisProcess(
            net=f"49.{draw(st.integers(1, 9)):04d}.{digits[0:4]}.{digits[4:8]}.{digits[8:12]}.00",
            level=draw(st.sampled_from([IsisLevel.L2, IsisLevel.L1L2, IsisLevel.L1])),
            overload=draw(st.booleans()),
            wide_metrics=wide,
        )
    lists = draw(prefix_lists())
    policies = draw(route_policies(lists))
    bgp = draw(st.one_of(st.none(), bgp_configs(itfs[0], policies)))
    if bgp is None:
        # prepend_as prepends the local AS, which only BGP defines: Junos, IOS-XR and FRR
        # write the AS number literally, so a router without BGP cannot express it.
        policies = tuple(dataclasses.replace(p, terms=tuple(
            dataclasses.replace(t, prepend_as=0) for t in p.terms)) for p in policies)
    statics = draw(static_routes())
    return DeviceConfig(
        hostname=draw(hostnames),
        vendor=vendor,
        interfaces=itfs,
        isis=isis,
        bgp=bgp,
        prefix_lists=lists,
        route_policies=policies,
        static_routes=statics,
        mpls_ldp=draw(st.booleans()) and any(i.mpls for i in itfs),
    ).normalized()

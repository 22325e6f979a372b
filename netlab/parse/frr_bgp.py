"""Read FRR ``router bgp``, ``route-map`` and ``prefix-list`` lines into the model.

Used by :mod:`netlab.parse.frr`, which owns the per-case decisions (see its
docstring). Collection and resolution are separate steps because FRR allows a
route-map to be written after the BGP neighbor that uses it, and an AS-path
prepend can only be read once the local AS is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

from netlab.model.device import (
    Action,
    BgpConfig,
    BgpNeighbor,
    InterfaceConfig,
    PolicyTerm,
    PrefixList,
    PrefixListEntry,
    RoutePolicy,
)
from netlab.parse.frr_tree import Context, Line

__all__ = ["BgpBuilder", "PolicyBuilder"]

IPAddress = IPv4Address | IPv6Address
_FAMILY = {"ip": 4, "ipv6": 6}
_AF = {"ipv4 unicast": 4, "ipv6 unicast": 6}
_LOOKS_LIKE_ADDRESS = re.compile(r"^[0-9a-fA-F:.]+$")
_MAX_AS = 4_294_967_295
_MULTIPATH = 16
_NOT_MODELLED = "netlab does not model this; it is ignored"


@dataclass(slots=True)
class _Entry:
    """One route-map entry (``route-map NAME ACTION SEQ``) as written."""

    line: Line
    action: Action
    description: str | None = None
    match: tuple[str, str, Line] | None = None  # (family word, prefix-list name, line)
    prepend: tuple[list[str], Line] | None = None
    local_preference: int | None = None
    med: int | None = None


@dataclass(slots=True)
class PolicyBuilder:
    """Collects prefix-lists and route-maps, then resolves them against the local AS."""

    ctx: Context
    lists: dict[str, tuple[int, dict[int, PrefixListEntry]]] = field(default_factory=dict)
    deny_any: dict[str, tuple[int, Line]] = field(default_factory=dict)  # the implicit deny
    maps: dict[str, dict[int, _Entry]] = field(default_factory=dict)

    def prefix_list(self, line: Line) -> None:
        """``ip|ipv6 prefix-list NAME [seq N] permit|deny PREFIX|any [ge N] [le N]``."""
        ctx, words = self.ctx, line.words
        version = _FAMILY[words[0]]
        name = ctx.word(line, 2, "a prefix-list name")
        if words[3:4] == ["description"]:
            ctx.warn(line, f"prefix-list descriptions: {_NOT_MODELLED}")
            return
        known = self.lists.get(name)
        if known is not None and known[0] != version:
            ctx.warn(line, "an IPv4 and an IPv6 prefix-list share this name; netlab keeps "
                           "one family per name and ignores this line")
            return
        entries = known[1] if known is not None else {}
        self.lists[name] = (version, entries)  # defined even if no entry can be modelled
        index = 3
        if words[3:4] == ["seq"]:
            seq, index = ctx.integer(line, 4, 1, _MAX_AS, "a sequence number"), 5
        else:
            seq = max(entries, default=0) + 5  # FRR numbers unsequenced entries by 5
        action = ctx.word(line, index, "permit or deny")
        if action not in ("permit", "deny"):
            ctx.error(line, f"expected permit or deny, got {action!r}")
        if ctx.word(line, index + 1, "a prefix or 'any'") == "any":
            prefix: IPv4Network | IPv6Network = (IPv4Network("0.0.0.0/0") if version == 4
                                                 else IPv6Network("::/0"))
            bounds: dict[str, int] = {"le": prefix.max_prefixlen}
            if len(words) > index + 2:
                ctx.error(line, "unexpected words after 'any'")
        else:
            prefix = ctx.prefix(line, index + 1, version)
            bounds = self._bounds(line, index + 2, prefix)
        if action == "deny" and bounds == {"le": prefix.max_prefixlen} and prefix.prefixlen == 0:
            self.deny_any[name] = (seq, line)  # harmless if last: FRR denies the rest anyway
            return
        if action == "deny" or "ge" in bounds:
            ctx.warn(line, f"only 'permit PREFIX [le N]' entries are modelled; {_NOT_MODELLED}")
            return
        entries[seq] = PrefixListEntry(prefix, bounds.get("le"))

    def _bounds(self, line: Line, index: int, prefix: IPv4Network | IPv6Network
                ) -> dict[str, int]:
        """``ge N`` / ``le N`` from word ``index`` on, checked as FRR does (len < ge <= le)."""
        bounds: dict[str, int] = {}
        words = line.words
        while index < len(words):
            key = words[index]
            if key not in ("ge", "le") or key in bounds or (key == "ge" and "le" in bounds):
                self.ctx.error(line, f"unexpected {key!r} in prefix-list entry")
            low = max(prefix.prefixlen + 1, bounds.get("ge", 0))
            bounds[key] = self.ctx.integer(line, index + 1, low, prefix.max_prefixlen,
                                           "a prefix length longer than the prefix")
            index += 2
        return bounds

    def route_map(self, line: Line) -> None:
        """``route-map NAME permit|deny SEQ`` and its block."""
        ctx = self.ctx
        name = ctx.word(line, 1, "a route-map name")
        action_word = ctx.word(line, 2, "permit or deny")
        if action_word not in ("permit", "deny"):
            ctx.error(line, f"expected permit or deny, got {action_word!r}")
        seq = ctx.integer(line, 3, 1, 65535, "a route-map sequence number")
        if len(line.words) > 4:
            ctx.error(line, "unexpected words after the sequence number")
        entry = self.maps.setdefault(name, {}).get(seq)
        if entry is None:
            entry = _Entry(line, Action(action_word))
            self.maps[name][seq] = entry
        entry.action = Action(action_word)
        for child in line.children:
            self._route_map_line(entry, child)

    def _route_map_line(self, entry: _Entry, line: Line) -> None:
        ctx, words = self.ctx, line.words
        if words[0] == "description" and len(words) > 1:
            entry.description = line.rest(1)
        elif (len(words) == 5 and words[0] == "match" and words[1] in _FAMILY
              and words[2:4] == ["address", "prefix-list"]):
            entry.match = (words[1], words[4], line)
        elif words[:3] == ["set", "as-path", "prepend"] and len(words) > 3 \
                and words[3] != "last-as":
            for i in range(3, len(words)):
                ctx.integer(line, i, 1, _MAX_AS, "an AS number")
            entry.prepend = (words[3:], line)
        elif words[:2] == ["set", "local-preference"] and len(words) == 3:
            entry.local_preference = ctx.integer(line, 2, 0, _MAX_AS, "a local preference")
        elif words[:2] == ["set", "metric"] and len(words) == 3 and words[2][:1] not in "+-":
            entry.med = ctx.integer(line, 2, 0, _MAX_AS, "a metric")
        else:
            ctx.warn_tree(line)

    def prefix_lists(self) -> tuple[PrefixList, ...]:
        """The prefix-lists; a ``deny any`` before a permit changes them, so it warns."""
        for name, (seq, line) in self.deny_any.items():
            if any(s > seq for s in self.lists[name][1]):
                self.ctx.warn(line, "a 'deny any' before later permits: only 'permit PREFIX "
                                    f"[le N]' entries are modelled; {_NOT_MODELLED}")
        return tuple(PrefixList(name, tuple(entries[s] for s in sorted(entries)))
                     for name, (_v, entries) in sorted(self.lists.items()))

    def policies(self, asn: int | None) -> tuple[RoutePolicy, ...]:
        """The route policies; a match on an undefined prefix-list is a ParseError."""
        out = []
        for name, entries in sorted(self.maps.items()):
            seqs = sorted(entries)
            default = Action.DENY  # FRR's implicit deny at the end of every route-map
            last = entries[seqs[-1]]
            if (last.description is None and last.match is None and last.prepend is None
                    and last.local_preference is None and last.med is None):
                default = last.action
                seqs = seqs[:-1]
            terms = tuple(self._term(entries[s], s, asn) for s in seqs)
            out.append(RoutePolicy(name, terms, default))
        return tuple(out)

    def _term(self, entry: _Entry, seq: int, asn: int | None) -> PolicyTerm:
        match = None
        if entry.match is not None:
            family, list_name, line = entry.match
            known = self.lists.get(list_name)
            if known is None or known[0] != _FAMILY[family]:
                self.ctx.error(line, f"{family} prefix-list {list_name} is not defined "
                                     "(FRR would match nothing)")
            match = list_name
        prepend = 0
        if entry.prepend is not None:
            asns, line = entry.prepend
            if asn is None or any(int(a) != asn for a in asns):
                self.ctx.warn(line, "netlab models only prepends of the router's own AS; "
                                    "this prepend is ignored")
            else:
                prepend = len(asns)
        return PolicyTerm(
            name=entry.description if entry.description is not None else str(seq),
            action=entry.action, match_prefix_list=match,
            set_local_preference=entry.local_preference, set_med=entry.med,
            prepend_as=prepend)


@dataclass(slots=True)
class _Neighbor:
    """One neighbor as written; ``activated`` None = FRR's default for its family."""

    line: Line  # the remote-as line
    remote_as: int
    description: str = ""
    update_source: tuple[str, Line] | None = None
    next_hop_self: bool = False
    route_reflector_client: bool = False
    import_policy: str | None = None
    export_policy: str | None = None
    shutdown: bool = False
    password: str | None = None
    max_prefix: int | None = None
    activated: bool | None = None


@dataclass(slots=True)
class BgpBuilder:
    """Collects one ``router bgp`` block (merging repeated blocks of the same AS)."""

    ctx: Context
    line: Line | None = None
    asn: int = 0
    router_id: IPv4Address | None = None
    cluster_id: IPv4Address | None = None
    neighbors: dict[IPAddress, _Neighbor] = field(default_factory=dict)
    networks: list[tuple[IPv4Network | IPv6Network, Line]] = field(default_factory=list)
    multipath: list[tuple[int, int, bool, Line]] = field(default_factory=list)
    policy_refs: list[tuple[str, Line]] = field(default_factory=list)
    requires_policy: bool = True  # FRR 8.4 default: eBGP needs a route-map both ways
    default_ipv4: bool = True  # FRR's default: IPv4 neighbors are active in IPv4 unicast

    def block(self, line: Line) -> None:
        asn = self.ctx.integer(line, 2, 1, _MAX_AS, "an AS number")
        if len(line.words) > 3:
            self.ctx.warn_tree(line, f"BGP VRFs and views: {_NOT_MODELLED}")
            return
        if self.line is not None and asn != self.asn:
            self.ctx.error(line, f"BGP is already running as AS {self.asn}")
        self.line, self.asn = line, asn
        for child in line.children:
            self._global(child)

    def _global(self, line: Line) -> None:
        ctx, words, text = self.ctx, line.words, line.text
        if words[:2] == ["bgp", "router-id"] and len(words) == 3:
            self.router_id = ctx.ipv4(line, 2)
        elif words[:2] == ["bgp", "cluster-id"] and len(words) == 3:
            self.cluster_id = ctx.ipv4(line, 2)
        elif text == "no bgp ebgp-requires-policy":
            self.requires_policy = False
        elif text == "no bgp default ipv4-unicast":
            self.default_ipv4 = False
        elif words[:2] == ["timers", "bgp"]:
            if text != "timers bgp 3 9":
                ctx.warn(line, f"netlab renders 'timers bgp 3 9'; other timers: {_NOT_MODELLED}")
        elif words[0] == "neighbor" and len(words) >= 3:
            self._neighbor(line)
        elif words[0] == "network" and len(words) == 2:
            self.networks.append((ctx.prefix(line, 1, 4), line))
        elif words[0] == "address-family":
            family = _AF.get(line.rest(1))
            if family is None:
                ctx.warn_tree(line, f"this address family: {_NOT_MODELLED}")
                return
            for child in line.children:
                self._af_line(child, family)
        else:
            ctx.warn_tree(line)

    def _peer(self, line: Line) -> _Neighbor | None:
        """The declared neighbor a line is about, or None when the line needs nothing more.

        A ``remote-as`` line declares the neighbor here; a peer-group or interface
        neighbor is warned about; a line about an undeclared address raises.
        """
        word = line.words[1]
        addr = _address_or_none(word)
        if addr is None:
            if _LOOKS_LIKE_ADDRESS.match(word) and any(c.isdigit() for c in word):
                self.ctx.error(line, f"malformed neighbor address {word!r}")
            self.ctx.warn_tree(line, f"peer-groups and interface neighbors: {_NOT_MODELLED}")
            return None
        if line.words[2:3] == ["remote-as"] and len(line.words) == 4:
            remote = (self.asn if line.words[3] == "internal"
                      else self.ctx.integer(line, 3, 1, _MAX_AS, "an AS number"))
            nb = self.neighbors.setdefault(addr, _Neighbor(line, remote))
            nb.remote_as = remote
            return None
        found = self.neighbors.get(addr)
        if found is None:
            self.ctx.error(line, f"neighbor {word} has no remote-as before this line "
                                 "(FRR: 'Specify remote-as or peer-group commands first')")
        return found

    def _neighbor(self, line: Line) -> None:
        ctx, words = self.ctx, line.words
        nb = self._peer(line)
        if nb is None:
            return
        key, value = words[2], line.rest(3)
        if key == "description" and value:
            nb.description = value
        elif key == "shutdown" and len(words) == 3:
            nb.shutdown = True
        elif key == "password" and len(words) == 4:
            nb.password = value
        elif key == "update-source" and len(words) == 4:
            nb.update_source = (value, line)
        elif key == "advertisement-interval" and len(words) == 4:
            ctx.integer(line, 3, 0, 600, "an advertisement interval")
            if value != "0":
                ctx.warn(line, f"netlab renders advertisement-interval 0; {_NOT_MODELLED}")
        elif words[2:4] == ["timers", "connect"] and len(words) == 5:
            ctx.integer(line, 4, 1, 65535, "a connect timer")
            if words[4] != "1":
                ctx.warn(line, f"netlab renders 'timers connect 1'; {_NOT_MODELLED}")
        else:
            ctx.warn_tree(line)

    def _af_line(self, line: Line, family: int) -> None:
        ctx, words = self.ctx, line.words
        if words[0] == "network" and len(words) == 2:
            self.networks.append((ctx.prefix(line, 1, family), line))
        elif words[0] == "maximum-paths" and len(words) in (2, 3):
            if len(words) == 3 and words[1] != "ibgp":
                ctx.warn(line)
                return
            count = ctx.integer(line, len(words) - 1, 1, 256, "a path count")
            self.multipath.append((count, family, len(words) == 3, line))
        elif words[0] == "neighbor" and len(words) >= 3:
            nb = self._peer(line)
            if nb is None:
                return
            if ip_address(words[1]).version != family:
                ctx.warn(line, f"a neighbor in the other address family: {_NOT_MODELLED}")
                return
            self._af_neighbor(nb, line)
        elif words[0] == "no" and words[1:2] == ["neighbor"] and words[3:] == ["activate"]:
            nb = self._peer(Line(line.number, line.rest(1), line.raw))
            if nb is not None:
                nb.activated = False
        else:
            ctx.warn_tree(line)

    def _af_neighbor(self, nb: _Neighbor, line: Line) -> None:
        ctx, words = self.ctx, line.words
        key = " ".join(words[2:])
        if key == "activate":
            nb.activated = True
        elif key == "next-hop-self":
            nb.next_hop_self = True
        elif key == "route-reflector-client":
            nb.route_reflector_client = True
        elif words[2] == "route-map" and len(words) == 5 and words[4] in ("in", "out"):
            if words[4] == "in":
                nb.import_policy = words[3]
            else:
                nb.export_policy = words[3]
            self.policy_refs.append((words[3], line))
        elif words[2] == "maximum-prefix" and len(words) == 4:
            nb.max_prefix = ctx.integer(line, 3, 1, _MAX_AS, "a prefix count")
        else:
            ctx.warn_tree(line)

    def finish(self, interfaces: tuple[InterfaceConfig, ...], policies: set[str]
               ) -> BgpConfig | None:
        """The BgpConfig (None without ``router bgp``); undefined route-maps raise."""
        if self.line is None:
            return None
        ctx = self.ctx
        for name, line in self.policy_refs:
            if name not in policies:
                ctx.error(line, f"route-map {name} is not defined (FRR would accept "
                                "the session but deny every route)")
        if self.requires_policy and any(
                nb.remote_as != self.asn and None in (nb.import_policy, nb.export_policy)
                for nb in self.neighbors.values()):
            ctx.warn(self.line, "without 'no bgp ebgp-requires-policy' FRR exchanges no routes "
                                "on eBGP sessions lacking a route-map; netlab models accept-all")
        neighbors = tuple(self._neighbor_config(addr, nb, interfaces)
                          for addr, nb in self.neighbors.items())
        return BgpConfig(
            asn=self.asn, router_id=self.router_id or _default_router_id(interfaces, ctx,
                                                                         self.line),
            cluster_id=self.cluster_id, neighbors=neighbors,
            networks=tuple(n for n, _line in self.networks),
            multipath=self._multipath())

    def _neighbor_config(self, addr: IPAddress, nb: _Neighbor,
                         interfaces: tuple[InterfaceConfig, ...]) -> BgpNeighbor:
        activated = nb.activated
        if activated is None:
            activated = addr.version == 4 and self.default_ipv4
        if not activated:
            self.ctx.warn(nb.line, "not activated in its address family: FRR opens no "
                                   "session; netlab treats the neighbor as shut down")
        source = None
        if nb.update_source is not None:
            source = _source_name(self.ctx, nb.update_source[1], nb.update_source[0],
                                  interfaces)
        return BgpNeighbor(
            address=addr, remote_as=nb.remote_as, description=nb.description,
            update_source=source, next_hop_self=nb.next_hop_self,
            route_reflector_client=nb.route_reflector_client,
            import_policy=nb.import_policy, export_policy=nb.export_policy,
            shutdown=nb.shutdown or not activated, password=nb.password,
            max_prefix=nb.max_prefix)

    def _multipath(self) -> bool:
        if not self.multipath:
            return False
        # Canonical: 16 paths for eBGP and iBGP in every address family that has a line.
        kinds = {(family, ibgp) for _n, family, ibgp, _l in self.multipath}
        families = {family for family, _i in kinds}
        canonical = (all(n == _MULTIPATH for n, *_rest in self.multipath)
                     and len(kinds) == len(self.multipath) == 2 * len(families))
        if not canonical:
            for *_rest, line in self.multipath:
                self.ctx.warn(line, "netlab models one multipath setting (16 paths, iBGP and "
                                    "eBGP); read as multipath on if any count exceeds 1")
        return any(n > 1 for n, *_rest in self.multipath)


def _address_or_none(word: str) -> IPAddress | None:
    try:
        return ip_address(word)
    except ValueError:
        return None


def _source_name(ctx: Context, line: Line, source: str,
                 interfaces: tuple[InterfaceConfig, ...]) -> str | None:
    addr = _address_or_none(source)
    if addr is None:
        return source
    for itf in interfaces:
        for ifaddr in (itf.ipv4, itf.ipv6):
            if ifaddr is not None and ifaddr.ip == addr:
                return itf.name
    ctx.warn(line, "update-source address is on no configured interface; ignored")
    return None


def _default_router_id(interfaces: tuple[InterfaceConfig, ...], ctx: Context,
                       line: Line) -> IPv4Address:
    """FRR's choice without ``bgp router-id``: the loopback's address, else the highest one."""
    loops = [i.ipv4.ip for i in interfaces if i.loopback and i.ipv4 is not None]
    others = [i.ipv4.ip for i in interfaces if i.ipv4 is not None]
    if loops:
        return max(loops)
    if others:
        return max(others)
    ctx.error(line, "no 'bgp router-id' and no IPv4 address to take one from")

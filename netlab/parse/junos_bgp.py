"""Read ``protocols bgp`` back into BGP neighbors, flattening groups.

A neighbor's setting is taken from the nearest level that sets it — the
neighbor, else its group, else ``protocols bgp`` — as Junos inherits them
(``import``/``export`` chains and the ``family`` settings are replaced as a
whole, not merged). Statements read:

* ``type internal|external``, ``peer-as``: internal neighbors have the local
  AS; an external one needs ``peer-as``, and a group with neither is refused
  by Junos (ParseError);
* ``local-address`` → ``update_source``: the interface holding that address
  (a warning when none does);
* ``cluster`` → route-reflector client (``cluster_id`` from it);
* ``import``, ``export``: the reserved ``BGP-ORIGINATE`` and
  ``NEXT-HOP-SELF`` are folded out of the export chain; one user policy each
  way is modelled (a warning for more). A name that is not a policy-statement
  is a ParseError (Junos refuses the commit);
* ``description``, ``authentication-key``, ``multipath`` (at any level);
* ``family inet|inet6 unicast`` and ``prefix-limit { maximum N; teardown; }``
  → ``max_prefix`` (without ``teardown`` Junos only logs: a warning);
* ``inactive:`` on a group or neighbor → ``shutdown``; a deactivated
  statement elsewhere is ignored, as Junos does, with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv6Address, IPv6Interface

from netlab.model.device import BgpNeighbor
from netlab.parse.junos_policy import NEXT_HOP_SELF, ORIGINATE, Policies
from netlab.parse.junos_tree import Leaf
from netlab.parse.junos_values import Context

__all__ = ["BgpReader", "BgpResult"]

IPAddress = IPv4Address | IPv6Address
_SCALARS = ("type", "peer-as", "local-address", "cluster", "description",
            "authentication-key")


@dataclass(slots=True)
class _Family:
    """``family inet|inet6`` at one level: whether unicast and its prefix limit."""

    line: int
    maximum: tuple[int, Leaf] | None = None
    teardown: bool = False


@dataclass(slots=True)
class _Scope:
    """One level (bgp, group or neighbor) and the statements set there."""

    line: int
    inactive: bool = False
    scalars: dict[str, tuple[str, Leaf]] = field(default_factory=dict)
    lists: dict[str, list[tuple[str, Leaf]]] = field(default_factory=dict)
    families: dict[str, _Family] = field(default_factory=dict)


@dataclass(slots=True)
class _Group:
    scope: _Scope
    neighbors: dict[str, _Scope] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BgpResult:
    neighbors: tuple[BgpNeighbor, ...]
    cluster_id: IPv4Address | None
    multipath: bool
    line: int  # the first ``protocols bgp`` line, for errors about BGP as a whole


class BgpReader:
    """Collects ``protocols bgp`` leaves, then resolves neighbors with :meth:`finish`."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.top: _Scope | None = None
        self.groups: dict[str, _Group] = {}
        self.multipath = False

    def feed(self, rest: tuple[str, ...], leaf: Leaf) -> None:
        """``rest`` is the path after ``protocols bgp``; ``leaf.path`` is the full path."""
        top = self.top = self.top or _Scope(leaf.line_at(2))
        at = leaf.inactive_at
        if at is not None and at <= 2:
            self.ctx.warn(leaf, "Deactivated (inactive:) statement; Junos ignores it")
            return
        if not rest:
            return
        if rest[0] != "group" or len(rest) < 2:
            if rest[0] == "neighbor":
                self.ctx.warn(leaf, "Junos BGP neighbors belong in a group")
            else:
                self._setting(top, rest, leaf)
            return
        group = self.groups.setdefault(rest[1], _Group(_Scope(leaf.line_at(4))))
        group.scope.inactive |= at == 4
        scope, body, depth = group.scope, rest[2:], 4
        if len(body) >= 2 and body[0] == "neighbor":
            scope = group.neighbors.setdefault(body[1], _Scope(leaf.line_at(6)))
            scope.inactive |= at == 6
            body, depth = body[2:], 6
        if at is not None and at > depth:
            self.ctx.warn(leaf, "Deactivated (inactive:) statement; Junos ignores it")
        elif body:
            self._setting(scope, body, leaf)

    def _setting(self, scope: _Scope, body: tuple[str, ...], leaf: Leaf) -> None:
        key = body[0]
        if len(body) == 2 and key in _SCALARS:
            scope.scalars[key] = (body[1], leaf)
        elif len(body) == 2 and key in ("import", "export"):
            scope.lists.setdefault(key, []).append((body[1], leaf))
        elif key == "multipath" and body[1:] in ((), ("multiple-as",)):
            self.multipath = True
        elif key == "family" and len(body) >= 2 and body[1] in ("inet", "inet6"):
            fam = scope.families.setdefault(body[1], _Family(leaf.line))
            tail = body[2:]
            if tail[:2] == ("unicast", "prefix-limit") and len(tail) == 4 \
                    and tail[2] == "maximum":
                fam.maximum = (self.ctx.integer(tail[3], leaf.line, "prefix-limit maximum", 1),
                               leaf)
            elif tail == ("unicast", "prefix-limit", "teardown"):
                fam.teardown = True
            elif tail not in ((), ("unicast",)):
                self.ctx.warn(leaf)
        else:
            self.ctx.warn(leaf)

    def _scalar(self, chain: list[_Scope], key: str) -> tuple[str, Leaf] | None:
        return next((s.scalars[key] for s in chain if key in s.scalars), None)

    def _list(self, chain: list[_Scope], key: str) -> list[tuple[str, Leaf]]:
        return next((s.lists[key] for s in chain if s.lists.get(key)), [])

    def _policies(self, chain: list[_Scope], key: str, policies: Policies,
                  lists: set[str]) -> tuple[str | None, bool]:
        """The one user policy of an import/export chain, and whether it has NEXT-HOP-SELF."""
        user: str | None = None
        nhs = False
        for name, leaf in self._list(chain, key):
            if name not in policies.defined:
                raise self.ctx.error(f"{key} policy {name} is not defined", leaf.line)
            if key == "export" and name == NEXT_HOP_SELF:
                nhs = True
            elif key == "export" and name == ORIGINATE:
                continue
            elif name in lists or name in (ORIGINATE, NEXT_HOP_SELF):
                self.ctx.warn(leaf, f"{name} is not a route policy here; not modelled")
            elif user is None:
                user = name
            else:
                self.ctx.warn(leaf, f"Only one {key} policy per neighbor is modelled; "
                                    f"{name} is ignored")
        return user, nhs

    def _update_source(self, local: tuple[str, Leaf] | None, address: IPAddress,
                       interfaces: dict[str, tuple[IPv4Interface | None,
                                                   IPv6Interface | None]]) -> str | None:
        if local is None:
            return None
        addr = self.ctx.address(local[0], local[1].line, "local-address")
        if addr.version != address.version:
            self.ctx.warn(local[1], f"local-address {addr} is not of neighbor {address}'s "
                                    "address family; not modelled")
            return None
        for name, (v4, v6) in interfaces.items():
            if (v4 is not None and v4.ip == addr) or (v6 is not None and v6.ip == addr):
                return name
        self.ctx.warn(local[1], f"local-address {addr} is no interface's address; "
                                "not modelled")
        return None

    def _max_prefix(self, chain: list[_Scope], address: IPAddress) -> int | None:
        families = next((s.families for s in chain if s.families), {})
        want = "inet6" if address.version == 6 else "inet"
        for name, fam in families.items():
            if name != want:
                self.ctx.warn(fam.line, f"Family {name} does not carry neighbor "
                                        f"{address}'s routes; not modelled")
        found = families.get(want)
        if found is None or found.maximum is None:
            return None
        if not found.teardown:
            self.ctx.warn(found.maximum[1], "prefix-limit without teardown only logs; "
                                            "not modelled")
            return None
        return found.maximum[0]

    def _neighbor(self, text: str, scope: _Scope, chain: list[_Scope], asn: int,
                  policies: Policies, lists: set[str],
                  interfaces: dict[str, tuple[IPv4Interface | None, IPv6Interface | None]]
                  ) -> BgpNeighbor:
        address = self.ctx.address(text, scope.line, "BGP neighbor address")
        kind = self._scalar(chain, "type")
        peer = self._scalar(chain, "peer-as")
        peer_as = self.ctx.integer(peer[0], peer[1].line, "peer-as", 1) if peer else None
        if kind is not None and kind[0] not in ("internal", "external"):
            raise self.ctx.error(f"BGP type must be internal or external, not {kind[0]!r}",
                                 kind[1].line)
        internal = kind[0] == "internal" if kind else peer_as == asn
        if not internal and peer_as is None:
            raise self.ctx.error(f"external BGP neighbor {address} needs a peer-as",
                                 scope.line)
        if internal and peer is not None and peer_as != asn:
            self.ctx.warn(peer[1], f"peer-as of an internal group must be the local AS {asn}")
        cluster = self._scalar(chain, "cluster")
        if cluster is not None and not internal:
            self.ctx.warn(cluster[1], "cluster applies to internal groups only; ignored")
            cluster = None
        imp, _ = self._policies(chain, "import", policies, lists)
        exp, nhs = self._policies(chain, "export", policies, lists)
        desc = scope.scalars.get("description")
        key = self._scalar(chain, "authentication-key")
        return BgpNeighbor(
            address=address,
            remote_as=asn if internal else int(peer_as or 0),
            description=desc[0] if desc else "",
            update_source=self._update_source(self._scalar(chain, "local-address"),
                                              address, interfaces),
            next_hop_self=nhs,
            route_reflector_client=cluster is not None,
            import_policy=imp,
            export_policy=exp,
            shutdown=any(s.inactive for s in chain),
            password=key[0] if key else None,
            max_prefix=self._max_prefix(chain, address),
        )

    def finish(self, asn: int | None, policies: Policies,
               interfaces: dict[str, tuple[IPv4Interface | None, IPv6Interface | None]]
               ) -> BgpResult | None:
        """The neighbors, or None when ``protocols bgp`` is absent."""
        if self.top is None:
            return None
        if asn is None:
            raise self.ctx.error("BGP needs routing-options autonomous-system", self.top.line)
        lists = {pl.name for pl in policies.prefix_lists}
        neighbors: list[BgpNeighbor] = []
        seen: dict[str, str] = {}
        clusters: list[tuple[str, Leaf]] = []
        for gname, group in self.groups.items():
            if not group.neighbors:
                self.ctx.warn(group.scope.line, f"BGP group {gname} has no neighbors")
            for text, scope in group.neighbors.items():
                if text in seen:
                    raise self.ctx.error(f"BGP neighbor {text} is already in group "
                                         f"{seen[text]}", scope.line)
                seen[text] = gname
                chain = [scope, group.scope, self.top]
                nb = self._neighbor(text, scope, chain, asn, policies, lists, interfaces)
                cluster = self._scalar(chain, "cluster")
                if nb.route_reflector_client and cluster is not None:
                    clusters.append(cluster)
                neighbors.append(nb)
        cluster_id = None
        if clusters:
            first = clusters[0]
            cluster_id = self.ctx.ipv4(first[0], first[1].line, "cluster id")
            for value, leaf in clusters[1:]:
                if self.ctx.ipv4(value, leaf.line, "cluster id") != cluster_id:
                    self.ctx.warn(leaf, f"A second cluster id; the model has one "
                                        f"({cluster_id})")
        return BgpResult(tuple(neighbors), cluster_id, self.multipath, self.top.line)

"""Read ``policy-options`` back into prefix lists, route policies and BGP networks.

Every ``policy-statement`` is one of (see netlab.render.junos):

* ``BGP-ORIGINATE`` — its ``route-filter P exact`` prefixes are the BGP networks;
* ``NEXT-HOP-SELF`` — ``then next-hop self``, folded into neighbors' flags;
* a **prefix list**: a subroutine policy whose terms match ``route-filter``
  conditions (``exact``, ``upto /n``, ``orlonger``, ``prefix-length-range``
  starting at the prefix length) and ``then accept``, ending ``then reject``;
* a **route policy**: terms matching ``from policy <prefix list>`` (or
  nothing), with ``then accept|reject`` and the sets local-preference, metric
  and ``as-path-prepend`` of the local AS; the policy-level ``then`` is the
  default action. A policy without one falls through to BGP's default policy,
  which accepts, so it reads as ``default_action=permit``.

Warnings (Junos would commit these, the model cannot say them): other match
conditions and actions, a term with neither accept nor reject (it falls
through), sets on a reject term, a second ``from policy``, prepending another
AS, a subroutine that is not a prefix list. Errors: a ``from policy`` naming no
policy (Junos refuses the commit), non-numeric values, malformed prefixes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Network, IPv6Network

from netlab.model.device import Action, PolicyTerm, PrefixList, PrefixListEntry, RoutePolicy
from netlab.parse.junos_tree import Leaf
from netlab.parse.junos_values import Context

__all__ = ["NEXT_HOP_SELF", "ORIGINATE", "Policies", "PolicyReader"]

ORIGINATE = "BGP-ORIGINATE"
NEXT_HOP_SELF = "NEXT-HOP-SELF"
IPNetwork = IPv4Network | IPv6Network


@dataclass(slots=True)
class _Term:
    name: str | None  # None: the policy-level (final) from/then
    line: int
    conds: list[tuple[tuple[str, ...], Leaf]] = field(default_factory=list)
    acts: list[tuple[tuple[str, ...], Leaf]] = field(default_factory=list)


@dataclass(slots=True)
class _Policy:
    name: str
    line: int
    terms: dict[str, _Term] = field(default_factory=dict)
    final: _Term | None = None


@dataclass(frozen=True, slots=True)
class Policies:
    """What ``policy-options`` says, in model terms."""

    prefix_lists: tuple[PrefixList, ...]
    route_policies: tuple[RoutePolicy, ...]
    networks: tuple[IPNetwork, ...]
    defined: frozenset[str]  # every policy-statement name, reserved ones included


class PolicyReader:
    """Collects ``policy-options`` leaves, then resolves them with :meth:`finish`."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.policies: dict[str, _Policy] = {}
        self.prepends: list[tuple[list[int], Leaf]] = []

    def feed(self, rest: tuple[str, ...], leaf: Leaf) -> None:
        """``rest`` is the path after ``policy-options``."""
        if len(rest) < 2 or rest[0] != "policy-statement":
            self.ctx.warn(leaf, "Only policy-statement is modelled in policy-options")
            return
        pol = self.policies.setdefault(rest[1], _Policy(rest[1], leaf.line_at(3)))
        body = rest[2:]
        if not body:
            return
        if body[0] == "term" and len(body) >= 2:
            term = pol.terms.setdefault(body[1], _Term(body[1], leaf.line_at(5)))
            body = body[2:]
        elif body[0] in ("from", "then"):
            pol.final = pol.final or _Term(None, leaf.line)
            term = pol.final
        else:
            self.ctx.warn(leaf)
            return
        if not body:
            return
        if body[0] == "from" and len(body) > 1:
            term.conds.append((body[1:], leaf))
        elif body[0] == "then" and len(body) > 1:
            term.acts.append((body[1:], leaf))
        else:
            self.ctx.warn(leaf)

    def _route_filter(self, cond: tuple[str, ...], leaf: Leaf) -> PrefixListEntry | None:
        net = self.ctx.network(cond[1], leaf.line, "route-filter prefix")
        match = cond[2:]
        if match == ("exact",):
            return PrefixListEntry(net)
        if match == ("orlonger",):
            return PrefixListEntry(net, net.max_prefixlen)
        if len(match) == 2 and match[0] == "upto" and match[1].startswith("/"):
            le = self.ctx.integer(match[1][1:], leaf.line, "upto length", net.prefixlen,
                                  net.max_prefixlen)
            return PrefixListEntry(net, le)
        if len(match) == 2 and match[0] == "prefix-length-range":
            low, _, high = match[1].partition("-")
            if low == f"/{net.prefixlen}" and high.startswith("/"):
                le = self.ctx.integer(high[1:], leaf.line, "prefix-length-range end",
                                      net.prefixlen, net.max_prefixlen)
                return PrefixListEntry(net, le)
        self.ctx.warn(leaf, "Only route-filter exact, upto, orlonger and a "
                            "prefix-length-range from the prefix length are modelled")
        return None

    def _networks(self, pol: _Policy) -> list[IPNetwork]:
        out: list[IPNetwork] = []
        for term in (*pol.terms.values(), *([pol.final] if pol.final else [])):
            for cond, leaf in term.conds:
                if cond[0] == "route-filter" and len(cond) == 3 and cond[2] == "exact":
                    out.append(self.ctx.network(cond[1], leaf.line, "route-filter prefix"))
                elif cond != ("protocol", "static"):
                    self.ctx.warn(leaf, f"{ORIGINATE} originates static prefixes matched "
                                        "by route-filter exact; this is not modelled")
            for act, leaf in term.acts:
                if act != ("accept",):
                    self.ctx.warn(leaf, f"{ORIGINATE} only accepts; this is not modelled")
        return out

    def _next_hop_self(self, pol: _Policy) -> None:
        scoped = False
        for term in (*pol.terms.values(), *([pol.final] if pol.final else [])):
            for cond, leaf in term.conds:
                if cond == ("route-type", "external"):
                    scoped = True
                    continue
                self.ctx.warn(leaf, f"{NEXT_HOP_SELF} applies to eBGP-learned routes; "
                                    "another match condition is not modelled")
            for act, leaf in term.acts:
                if act != ("next-hop", "self"):
                    self.ctx.warn(leaf, f"{NEXT_HOP_SELF} only sets next-hop self")
        if not scoped:
            # Junos applies an unscoped next-hop self to reflected routes too; the model's
            # next_hop_self (every vendor's) rewrites eBGP-learned routes only.
            self.ctx.warn(pol.line, f"{NEXT_HOP_SELF} without 'from route-type external' also "
                                    "rewrites reflected routes on Junos; netlab models next-hop "
                                    "self on eBGP-learned routes only")

    def _prefix_list(self, pol: _Policy) -> PrefixList:
        entries: list[PrefixListEntry] = []
        for term in pol.terms.values():
            for cond, leaf in term.conds:
                if cond[0] != "route-filter" or len(cond) < 3:
                    self.ctx.warn(leaf, "A prefix-list policy matches route-filters "
                                        "(prefix and match type) only")
                    continue
                entry = self._route_filter(cond, leaf)
                if entry is not None and entry not in entries:
                    entries.append(entry)
            for act, leaf in term.acts:
                if act != ("accept",):
                    self.ctx.warn(leaf, "A prefix-list policy term only accepts")
        final = pol.final
        if final is None or not any(a == ("reject",) for a, _ in final.acts):
            self.ctx.warn(pol.line, "A prefix-list policy must end with 'then reject' "
                                    "(else BGP's default policy decides the match)")
        if final is not None:
            for item, leaf in (*final.conds, *final.acts):
                if item != ("reject",):
                    self.ctx.warn(leaf, "A prefix-list policy ends with 'then reject' only")
        return PrefixList(pol.name, tuple(entries))

    def _action(self, term: _Term) -> tuple[Action | None, int | None, int | None, int]:
        action: Action | None = None
        lp = med = None
        prepend = 0
        for act, leaf in term.acts:
            if act in (("accept",), ("reject",)) and action is None:
                action = Action.PERMIT if act[0] == "accept" else Action.DENY
            elif act in (("accept",), ("reject",)):
                self.ctx.warn(leaf, "A second accept/reject in one term is ignored")
            elif len(act) == 2 and act[0] == "local-preference":
                lp = self.ctx.integer(act[1], leaf.line, "local-preference")
            elif len(act) == 2 and act[0] == "metric":
                med = self.ctx.integer(act[1], leaf.line, "metric")
            elif len(act) == 2 and act[0] == "as-path-prepend":
                asns = [self.ctx.integer(w, leaf.line, "as-path-prepend AS", 1)
                        for w in act[1].split()]
                self.prepends.append((asns, leaf))
                prepend = len(asns)
            else:
                self.ctx.warn(leaf)
        if action is Action.DENY and (lp is not None or med is not None or prepend):
            for act, leaf in term.acts:
                if act[0] in ("local-preference", "metric", "as-path-prepend"):
                    self.ctx.warn(leaf, "Sets on a reject term have no effect; ignored")
            lp = med = None
            prepend = 0
        return action, lp, med, prepend

    def _route_policy(self, pol: _Policy, lists: set[str]) -> RoutePolicy:
        terms: list[PolicyTerm] = []
        for term in pol.terms.values():
            match: str | None = None
            for cond, leaf in term.conds:
                if len(cond) == 2 and cond[0] == "policy":
                    if cond[1] not in self.policies:
                        raise self.ctx.error(f"policy {cond[1]} is not defined", leaf.line)
                    if cond[1] not in lists:
                        self.ctx.warn(leaf, f"Subroutine {cond[1]} is not a prefix list "
                                            "(route-filters); not modelled")
                    elif match is not None:
                        self.ctx.warn(leaf, "Only one 'from policy' per term is modelled")
                    else:
                        match = cond[1]
                else:
                    self.ctx.warn(leaf, "Only 'from policy <prefix list>' is modelled")
            action, lp, med, prepend = self._action(term)
            if action is None:
                self.ctx.warn(term.line, f"Term {term.name} has no accept or reject "
                                         "(it falls through); not modelled")
                continue
            terms.append(PolicyTerm(str(term.name), action, match, lp, med, prepend))
        default = Action.PERMIT
        if pol.final is not None:
            for _, leaf in pol.final.conds:
                self.ctx.warn(leaf, "The final (unnamed) term is modelled as the default "
                                    "action only; its match is ignored")
            action, lp, med, prepend = self._action(pol.final)
            if lp is not None or med is not None or prepend:
                self.ctx.warn(pol.final.line, "Sets in the default action are not modelled")
            default = action or Action.PERMIT
        return RoutePolicy(pol.name, tuple(terms), default)

    def finish(self, asn: int | None) -> Policies:
        """Resolve the collected policies; ``asn`` checks ``as-path-prepend``."""
        self.prepends.clear()
        networks: list[IPNetwork] = []
        lists: dict[str, PrefixList] = {}
        for pol in self.policies.values():
            if pol.name == ORIGINATE:
                networks = self._networks(pol)
            elif pol.name == NEXT_HOP_SELF:
                self._next_hop_self(pol)
            elif any(c[0] == "route-filter" for t in pol.terms.values() for c, _ in t.conds):
                lists[pol.name] = self._prefix_list(pol)
        routes = tuple(self._route_policy(p, set(lists)) for p in self.policies.values()
                       if p.name not in lists and p.name not in (ORIGINATE, NEXT_HOP_SELF))
        for asns, leaf in self.prepends:
            if asn is None:
                self.ctx.warn(leaf, "as-path-prepend without a local AS "
                                    "(routing-options autonomous-system)")
            elif any(a != asn for a in asns):
                self.ctx.warn(leaf, f"Only prepending the local AS {asn} is modelled; "
                                    "read as that many local-AS prepends")
        return Policies(tuple(lists.values()), routes, tuple(networks),
                        frozenset(self.policies))

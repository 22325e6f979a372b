"""Route-policy evaluation: prefix lists, first-match terms, default action, RFC 8212.

A :class:`~netlab.model.device.RoutePolicy` is evaluated the way every vendor
does it (docs/config-model.md): terms in order, the first whose prefix list
matches (or that has none) decides; a permit applies its sets; no match falls
to ``default_action``. A prefix-list entry matches a route inside its prefix
whose length lies between the entry's length and ``le`` (exactly the entry's
length when ``le`` is unset).

A session with **no** policy in a direction accepts/advertises everything,
except an IOS-XR eBGP session, which follows RFC 8212 and passes nothing. A
policy or prefix list that is referenced but not defined matches nothing: the
policy denies (FRR's behaviour; Junos and IOS-XR refuse such a commit).

Examples
--------
>>> from ipaddress import ip_network
>>> from netlab.model.device import PrefixListEntry
>>> entry_matches(PrefixListEntry(ip_network("192.0.2.0/24"), 28), ip_network("192.0.2.16/28"))
True
>>> entry_matches(PrefixListEntry(ip_network("192.0.2.0/24")), ip_network("192.0.2.0/25"))
False
"""

from __future__ import annotations

from dataclasses import dataclass

from netlab.engines.base import IPNetwork
from netlab.model.device import Action, DeviceConfig, PrefixList, PrefixListEntry, RoutePolicy
from netlab.model.types import Vendor

__all__ = ["ACCEPT_ALL", "REJECT", "PolicyBook", "Verdict", "entry_matches", "evaluate",
           "policy_of"]


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of a policy for one route: accepted or not, and what to set."""

    accept: bool
    local_pref: int | None = None
    med: int | None = None
    prepend: int = 0
    term: str = ""  # the term that decided ("" = no policy / default action)


ACCEPT_ALL = Verdict(True)
REJECT = Verdict(False)


def entry_matches(entry: PrefixListEntry, prefix: IPNetwork) -> bool:
    """Whether ``prefix`` falls inside ``entry`` (same family, length in range)."""
    p = entry.prefix
    if p.version != prefix.version:
        return False
    longest = entry.le if entry.le is not None else p.prefixlen
    if not p.prefixlen <= prefix.prefixlen <= longest:
        return False
    return prefix.subnet_of(p)  # type: ignore[arg-type]


def policy_of(cfg: DeviceConfig, name: str) -> RoutePolicy | None:
    for pol in cfg.route_policies:
        if pol.name == name:
            return pol
    return None


_Matcher = tuple[int, int, int, int, int]  # (version, shift-free network int, len, lo, hi)


def _matchers(pl: PrefixList | None) -> tuple[_Matcher, ...]:
    if pl is None:
        return ()
    return tuple((e.prefix.version, int(e.prefix.network_address), e.prefix.max_prefixlen,
                  e.prefix.prefixlen, e.le if e.le is not None else e.prefix.prefixlen)
                 for e in pl.entries)


def _hit(matchers: tuple[_Matcher, ...], version: int, net: int, plen: int) -> bool:
    for v, base, bits, lo, hi in matchers:
        if v == version and lo <= plen <= hi and (net >> (bits - lo)) == (base >> (bits - lo)):
            return True
    return False


class PolicyBook:
    """Every router's policies compiled once; verdicts memoised by policy content and prefix.

    Routers with identical policies (the same name, terms and prefix lists) share
    verdicts, so a policy present on hundreds of routers is evaluated once per prefix.
    A prefix list object shared by several configs is compiled once, and each distinct
    compiled policy gets a small integer id, so a memo lookup never hashes a long list.
    """

    def __init__(self) -> None:
        self._compiled: dict[int, tuple[DeviceConfig, dict[str, int]]] = {}
        self._lists: dict[int, tuple[PrefixList, tuple[_Matcher, ...]]] = {}
        self._ids: dict[object, int] = {}
        self._bodies: list[object] = []
        # (policy id, id(prefix)) → (prefix, verdict): prefixes are looked up by identity
        # (hashing an ``ipaddress`` network runs in Python); holding the prefix keeps the
        # id from being reused, and an equal prefix that is another object only misses
        self._memo: dict[tuple[int, int], tuple[IPNetwork, Verdict]] = {}

    def _matchers(self, pl: PrefixList | None) -> tuple[_Matcher, ...]:
        if pl is None:
            return ()
        got = self._lists.get(id(pl))
        if got is None or got[0] is not pl:
            got = self._lists[id(pl)] = (pl, _matchers(pl))
        return got[1]

    def key(self, cfg: DeviceConfig, name: str) -> int:
        """A small id for the content of ``cfg``'s policy ``name`` (equal content, equal id)."""
        got = self._compiled.get(id(cfg))
        if got is None or got[0] is not cfg:
            got = (cfg, {})
            self._compiled[id(cfg)] = got
        keys = got[1]
        key = keys.get(name)
        if key is None:
            pol = policy_of(cfg, name)
            body: object
            if pol is None:
                body = ("undefined",)
            else:
                lists = {pl.name: pl for pl in cfg.prefix_lists}
                terms = tuple((t.action, self._matchers(lists.get(t.match_prefix_list))
                               if t.match_prefix_list is not None else None,
                               t.set_local_preference, t.set_med, t.prepend_as, t.name)
                              for t in pol.terms)
                body = (*terms, pol.default_action)
            key = self._ids.get(body)
            if key is None:
                key = self._ids[body] = len(self._bodies)
                self._bodies.append(body)
            keys[name] = key
        return key

    def evaluate(self, cfg: DeviceConfig, name: str | None, prefix: IPNetwork, *,
                 ebgp: bool) -> Verdict:
        """Same as :func:`evaluate`, memoised."""
        if name is None:
            return REJECT if ebgp and cfg.vendor is Vendor.IOSXR else ACCEPT_ALL
        key = self.key(cfg, name)
        memo = (key, id(prefix))
        got = self._memo.get(memo)
        if got is None:
            got = self._memo[memo] = (prefix, _run(self._bodies[key], prefix))
        return got[1]


def _run(key: object, prefix: IPNetwork) -> Verdict:
    assert isinstance(key, tuple)
    if key == ("undefined",):
        return REJECT
    *terms, default = key
    version, net, plen = prefix.version, int(prefix.network_address), prefix.prefixlen
    for action, matchers, lp, med, prepend, term in terms:
        if matchers is not None and not _hit(matchers, version, net, plen):
            continue
        if action is Action.DENY:
            return Verdict(False, term=term)
        return Verdict(True, lp, med, prepend, term)
    return Verdict(default is Action.PERMIT)


def evaluate(cfg: DeviceConfig, name: str | None, prefix: IPNetwork, *, ebgp: bool) -> Verdict:
    """The verdict of policy ``name`` of ``cfg`` for ``prefix`` (None = no policy attached)."""
    if name is None:
        return REJECT if ebgp and cfg.vendor is Vendor.IOSXR else ACCEPT_ALL
    pol = policy_of(cfg, name)
    if pol is None:
        return REJECT
    lists = {pl.name: pl for pl in cfg.prefix_lists}
    for term in pol.terms:
        if term.match_prefix_list is not None:
            pl = lists.get(term.match_prefix_list)
            if pl is None or not any(entry_matches(e, prefix) for e in pl.entries):
                continue
        if term.action is Action.DENY:
            return Verdict(False, term=term.name)
        return Verdict(True, term.set_local_preference, term.set_med, term.prepend_as,
                       term.name)
    return Verdict(pol.default_action is Action.PERMIT)

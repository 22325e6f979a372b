"""EOS prefix lists and route-maps, read into PrefixList and RoutePolicy values.

Semantics follow EOS: prefix-list entries are ordered by ``seq``; a route-map is
its entries in ``seq`` order, first match wins, and an unmatched route is
denied. The renderer writes a policy's default action as a plain entry
``route-map NAME permit|deny 65535`` (no match, no set); that entry becomes
``default_action``, and without it the default is EOS's implicit deny. A term's
name is its ``description`` (``entry-<seq>`` when there is none).

What the model cannot hold is a warning, never a silent drop: prefix-list
``deny``/``ge``/``eq`` entries, a second ``match``, sets other than
local-preference/metric/``as-path prepend auto``. A ``match`` naming a
prefix-list that is not defined (of that address family) is kept and warned
about, as EOS accepts such a reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netlab.model.device import Action, PolicyTerm, PrefixList, PrefixListEntry, RoutePolicy
from netlab.parse.eos_tree import Line, Node, Reader

__all__ = ["DEFAULT_SEQ", "PolicyReader"]

DEFAULT_SEQ = 65535
MAX_SEQ = 4_294_967_295
MAX_U32 = 4_294_967_295
_ACTIONS = {"permit": Action.PERMIT, "deny": Action.DENY}


@dataclass
class _List:
    version: int
    header: Line
    entries: dict[int, PrefixListEntry] = field(default_factory=dict)


@dataclass
class _Entry:
    action: Action
    line: Line
    description: str = ""
    description_line: Line | None = None
    match: tuple[int, str, Line] | None = None  # (IP version, prefix-list name, line)
    local_pref: int | None = None
    med: int | None = None
    prepend: int = 0

    def plain(self) -> bool:
        return (self.match is None and self.local_pref is None and self.med is None
                and not self.prepend)


class PolicyReader:
    """Collects ``ip``/``ipv6 prefix-list`` and ``route-map`` blocks, then builds them."""

    def __init__(self, reader: Reader) -> None:
        self.r = reader
        self.lists: dict[tuple[int, str], _List] = {}
        self.maps: dict[str, dict[int, _Entry]] = {}

    # -- prefix lists ---------------------------------------------------------
    def prefix_list(self, node: Node, version: int) -> None:
        """``ip prefix-list NAME`` (block) or ``ip prefix-list NAME seq 10 permit P`` (one line)."""
        line = node.line
        name = self.r.word(line, 2, "a prefix-list name")
        plist = self.lists.setdefault((version, name), _List(version, line))
        if len(line.words) > 3:
            self._entry(plist, line, 3)
        for child in node.children:
            self._entry(plist, child.line, 0)
            self.r.warn_children(child)

    def _entry(self, plist: _List, line: Line, start: int) -> None:
        words = line.words[start:]
        if words and words[0] == "seq":
            seq = self.r.integer(line, start + 1, "a sequence number", 0, MAX_SEQ)
            words = words[2:]
            start += 2
        else:
            seq = max(plist.entries, default=0) + 10
        if not words or words[0] not in _ACTIONS:
            self.r.warn(line)
            return
        prefix = self.r.network(line, start + 1, "prefix")
        if prefix.version != plist.version:
            raise self.r.error(line, f"{prefix} is not an IPv{plist.version} prefix")
        if words[0] == "deny":
            self.r.warn(line, "deny entries in prefix-lists are not modelled; entry ignored")
            return
        le = None
        rest = list(words[2:])
        if rest[:1] == ["le"]:
            le = self.r.integer(line, start + 3, "le", prefix.prefixlen, prefix.max_prefixlen)
            rest = rest[2:]
        if rest:
            self.r.warn(line, "only exact and 'le' entries are modelled; entry ignored")
            return
        plist.entries[seq] = PrefixListEntry(prefix, le)

    # -- route-maps -----------------------------------------------------------
    def route_map(self, node: Node) -> None:
        """``route-map NAME permit|deny SEQ`` and its description/match/set lines."""
        line = node.line
        name = self.r.word(line, 1, "a route-map name")
        action = Action.PERMIT
        if len(line.words) > 2:
            if line.words[2] not in _ACTIONS:
                raise self.r.error(line, "expected permit or deny")
            action = _ACTIONS[line.words[2]]
        seq = 10
        if len(line.words) > 3:
            seq = self.r.integer(line, 3, "a sequence number", 0, MAX_SEQ)
        self.r.expect_end(line, 4)
        entry = _Entry(action, line)
        self.maps.setdefault(name, {})[seq] = entry
        for child in node.children:
            self._clause(entry, child.line)
            self.r.warn_children(child)

    def _clause(self, entry: _Entry, line: Line) -> None:
        w = line.words
        if w[0] == "description":
            entry.description, entry.description_line = line.rest(1), line
        elif w[:2] == ("match", "ip") or w[:2] == ("match", "ipv6"):
            if w[2:4] != ("address", "prefix-list") or len(w) != 5:
                self.r.warn(line)
            elif entry.match is not None:
                self.r.warn(line, "netlab models one match per route-map entry; ignored")
            else:
                entry.match = (4 if w[1] == "ip" else 6, w[4], line)
        elif w[:2] == ("set", "local-preference") and len(w) == 3:
            entry.local_pref = self.r.integer(line, 2, "local-preference", 0, MAX_U32)
        elif w[:2] == ("set", "metric") and len(w) == 3 and w[2].isdigit():
            entry.med = self.r.integer(line, 2, "metric", 0, MAX_U32)
        elif w[:3] == ("set", "as-path", "prepend") and len(w) > 3:
            if all(word == "auto" for word in w[3:]):
                entry.prepend = len(w) - 3
            else:
                self.r.warn(line, "only 'as-path prepend auto' (the local AS) is modelled")
        else:
            self.r.warn(line)

    def defines_route_map(self, name: str) -> bool:
        return name in self.maps

    # -- results --------------------------------------------------------------
    def prefix_lists(self) -> tuple[PrefixList, ...]:
        out: dict[str, PrefixList] = {}
        for (version, name), plist in sorted(self.lists.items(),
                                             key=lambda kv: kv[1].header.number):
            if name in out:
                self.r.warn(plist.header, f"an IPv{6 if version == 4 else 4} prefix-list "
                            f"{name} exists; netlab keeps one address family per name, "
                            "this list is ignored")
                continue
            entries = tuple(plist.entries[s] for s in sorted(plist.entries))
            out[name] = PrefixList(name, entries)
        return tuple(out.values())

    def route_policies(self) -> tuple[RoutePolicy, ...]:
        return tuple(self._policy(name, entries) for name, entries in self.maps.items())

    def _policy(self, name: str, entries: dict[int, _Entry]) -> RoutePolicy:
        terms: list[PolicyTerm] = []
        default = Action.DENY
        closed = False
        for seq in sorted(entries):
            entry = entries[seq]
            if closed:
                self.r.warn(entry.line, f"unreachable after the catch-all entry {DEFAULT_SEQ}; "
                            "ignored")
                continue
            if seq == DEFAULT_SEQ and entry.plain():
                default, closed = entry.action, True
                if entry.description_line is not None:
                    self.r.warn(entry.description_line,
                                "the default entry's description is not kept")
                continue
            self._check_match(entry)
            terms.append(PolicyTerm(
                name=entry.description or f"entry-{seq}",
                action=entry.action,
                match_prefix_list=entry.match[1] if entry.match else None,
                set_local_preference=entry.local_pref,
                set_med=entry.med,
                prepend_as=entry.prepend,
            ))
        return RoutePolicy(name, tuple(terms), default)

    def _check_match(self, entry: _Entry) -> None:
        if entry.match is None:
            return
        version, name, line = entry.match
        if (version, name) in self.lists:
            return
        family, other, other_version = ("ip", "ipv6", 6) if version == 4 else ("ipv6", "ip", 4)
        if (other_version, name) in self.lists:
            self.r.warn(line, f"there is no {family} prefix-list {name} "
                        f"(only an {other} prefix-list of that name)")
        else:
            self.r.warn(line, f"{family} prefix-list {name} is not defined")

"""Split FRR config text into a tree of numbered lines, the way vtysh walks its nodes.

FRR has no braces and ignores indentation. A command such as ``interface
eth0-1`` or ``router bgp 65000`` enters a node; the following lines belong to
it until ``exit`` (or ``exit-address-family``) leaves it, or until a line that
the node does not know but an enclosing node does: vtysh then falls back to
that node, so a forgotten ``exit`` before ``ip route ...`` or before the next
``interface`` is harmless. :func:`split` does the same with a table of the
commands that open nodes and of the commands an enclosing node owns; a line
nobody owns stays in the current node, where the model builders warn about it.

``!`` and ``#`` lines are comments, except netlab's structured comments
(``! netlab-mtu 9000``), which are kept as ordinary lines. ``end`` leaves
configuration mode: FRR ignores what follows, so those lines are returned apart.

The one structural error is an ``exit`` that closes no node: FRR leaves
configuration mode there and drops every later line (verified with ``vtysh
-f`` on 8.4), so it raises :class:`~netlab.errors.ParseError` with its line.
An ``exit-address-family`` outside an address family is only a command FRR
rejects; it is kept as an unknown line.

:class:`Context` collects the parser's warnings and raises value errors
(``file:line: message``) for the model builders in ``netlab.parse.frr``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import (
    IPv4Address,
    IPv4Interface,
    IPv4Network,
    IPv6Address,
    IPv6Interface,
    IPv6Network,
    ip_address,
)
from typing import NoReturn

from netlab.errors import ParseError
from netlab.parse.result import ParseWarning

__all__ = ["Context", "Line", "Tree", "split"]

Pattern = tuple[str, ...]  # leading words of a command

# Commands that open a node, per node kind: (leading words, kind of the new node).
_OPENS: dict[str, tuple[tuple[Pattern, str], ...]] = {
    "config": ((("interface",), "interface"), (("router", "isis"), "isis"),
               (("router", "bgp"), "bgp"), (("mpls", "ldp"), "ldp"),
               (("route-map",), "route-map"), (("router",), "other"), (("vrf",), "other"),
               (("line",), "other"), (("key",), "other"), (("segment-routing",), "other"),
               (("bfd",), "other"), (("pbr-map",), "other"), (("nexthop-group",), "other"),
               (("l2vpn",), "other"), (("pseudowire",), "other")),
    "bgp": ((("address-family",), "bgp-af"),),
    "ldp": ((("address-family",), "ldp-af"),),
    "ldp-af": ((("interface",), "ldp-if"),),
}
# Leaf commands a node owns that an inner node would otherwise keep (vtysh falls back).
_OWNS: dict[str, tuple[Pattern, ...]] = {
    "config": (("frr",), ("hostname",), ("log",), ("service",), ("ip", "route"),
               ("ip", "prefix-list"), ("ip", "forwarding"), ("ipv6", "route"),
               ("ipv6", "prefix-list"), ("ipv6", "forwarding"), ("no", "ip", "forwarding"),
               ("no", "ipv6", "forwarding"), ("no", "zebra"), ("zebra",), ("debug",),
               ("agentx",), ("password",), ("enable",), ("username",), ("access-list",),
               ("ip", "as-path"), ("ip", "community-list"), ("bgp", "as-path"),
               ("bgp", "community-list"), ("bgp", "extcommunity-list"),
               ("bgp", "large-community-list"), ("ip", "protocol"), ("ipv6", "protocol"),
               ("ip", "nht"), ("ipv6", "nht"), ("mpls", "label"), ("router-id",),
               ("Building",), ("Current",)),
    "ldp": (("router-id",),),
    "ldp-af": (("discovery", "transport-address"),),
    "ldp-if": (("discovery", "hello"),),
}
_AF_KINDS = {"bgp-af", "ldp-af"}


@dataclass(frozen=True, slots=True)
class Line:
    """One configuration line with its 1-based number and the lines of its node."""

    number: int
    text: str  # without indentation and trailing blanks
    raw: str  # as written, without the line break
    children: tuple[Line, ...] = ()

    @property
    def words(self) -> list[str]:
        return self.text.split()

    def rest(self, count: int) -> str:
        """The text after the first ``count`` words, with its inner spacing kept."""
        text = self.text
        for _ in range(count):
            text = text.lstrip()
            cut = len(text.split(None, 1)[0]) if text else 0
            text = text[cut:]
        return text.strip()


@dataclass(frozen=True, slots=True)
class Tree:
    lines: tuple[Line, ...]  # top-level lines, each with its node's lines
    after_end: tuple[Line, ...]  # lines after ``end`` (FRR ignores them)


@dataclass(slots=True)
class _Node:
    kind: str
    line: Line | None  # None for the config node itself
    children: list[_Node] = field(default_factory=list)

    def freeze(self) -> Line:
        assert self.line is not None
        return Line(self.line.number, self.line.text, self.line.raw,
                    tuple(c.freeze() for c in self.children))


def _starts(words: list[str], pattern: Pattern) -> bool:
    return tuple(words[:len(pattern)]) == pattern


def _place(stack: list[_Node], words: list[str]) -> tuple[int, str | None]:
    """The depth of the node that takes ``words`` and the kind it opens (None: a leaf)."""
    for depth in range(len(stack) - 1, -1, -1):
        kind = stack[depth].kind
        for pattern, opens in _OPENS.get(kind, ()):
            if _starts(words, pattern):
                return depth, opens
        if any(_starts(words, pattern) for pattern in _OWNS.get(kind, ())):
            return depth, None
    return len(stack) - 1, None  # nobody knows it: it stays where it is


def _exit(stack: list[_Node], line: Line, filename: str) -> bool:
    """Leave a node for ``exit``/``exit-address-family``; False if the line is not an exit."""
    if line.text in ("exit", "quit", "exit-vrf"):
        if len(stack) == 1:
            raise ParseError(f"'{line.text}' closes no block here; FRR would leave "
                             "configuration mode and ignore every later line",
                             path=filename, line=line.number)
        stack.pop()
        return True
    if line.text == "exit-address-family":
        for depth in range(len(stack) - 1, 0, -1):
            if stack[depth].kind in _AF_KINDS:
                del stack[depth:]
                return True
    return False


def split(text: str, filename: str) -> Tree:
    """The node tree of an FRR config; raises ParseError on a stray ``exit``."""
    root = _Node("config", None)
    stack = [root]
    after_end: list[Line] = []
    ended = False
    for number, written in enumerate(text.splitlines(), start=1):
        stripped = written.strip()
        if not stripped:
            continue
        if stripped[0] in "!#" and not stripped.startswith(("! netlab-", "!netlab-")):
            continue
        line = Line(number, stripped, written.rstrip())
        if ended:
            after_end.append(line)
            continue
        if stripped == "end":
            ended = True
            continue
        if _exit(stack, line, filename):
            continue
        depth, opens = _place(stack, line.words)
        del stack[depth + 1:]
        node = _Node(opens or "leaf", line)
        stack[-1].children.append(node)
        if opens is not None:
            stack.append(node)
    return Tree(tuple(n.freeze() for n in root.children), tuple(after_end))


class Context:
    """Warnings of one parse and the ``file:line`` errors of malformed values."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.warnings: list[ParseWarning] = []

    def warn(self, line: Line, comment: str = "This syntax is unrecognized") -> None:
        self.warnings.append(ParseWarning(self.filename, line.number, line.raw, comment))

    def warn_tree(self, line: Line, comment: str = "This syntax is unrecognized") -> None:
        """Warn about ``line`` and every line nested under it."""
        self.warn(line, comment)
        for child in line.children:
            self.warn_tree(child, comment)

    def warn_children(self, line: Line, comment: str = "This syntax is unrecognized") -> None:
        for child in line.children:
            self.warn_tree(child, comment)

    def error(self, line: Line, message: str) -> NoReturn:
        raise ParseError(f"{message}: {line.text}", path=self.filename, line=line.number)

    def word(self, line: Line, index: int, what: str) -> str:
        words = line.words
        if index >= len(words):
            self.error(line, f"incomplete command, expected {what}")
        return words[index]

    def integer(self, line: Line, index: int, low: int, high: int, what: str) -> int:
        word = self.word(line, index, what)
        if not word.isdigit() or not low <= int(word) <= high:
            self.error(line, f"expected {what} ({low}-{high}), got {word!r}")
        return int(word)

    def ipv4(self, line: Line, index: int, what: str = "an IPv4 address") -> IPv4Address:
        word = self.word(line, index, what)
        try:
            return IPv4Address(word)
        except ValueError:
            self.error(line, f"malformed IPv4 address {word!r}")

    def address(self, line: Line, index: int) -> IPv4Address | IPv6Address:
        word = self.word(line, index, "an IP address")
        try:
            return ip_address(word)
        except ValueError:
            self.error(line, f"malformed IP address {word!r}")

    def interface4(self, line: Line, index: int) -> IPv4Interface:
        word = self.word(line, index, "an IPv4 address/length")
        try:
            if "/" not in word:
                raise ValueError(word)
            return IPv4Interface(word)
        except ValueError:
            self.error(line, f"malformed IPv4 address/length {word!r}")

    def interface6(self, line: Line, index: int) -> IPv6Interface:
        word = self.word(line, index, "an IPv6 address/length")
        try:
            if "/" not in word:
                raise ValueError(word)
            return IPv6Interface(word)
        except ValueError:
            self.error(line, f"malformed IPv6 address/length {word!r}")

    def prefix(self, line: Line, index: int, version: int) -> IPv4Network | IPv6Network:
        """A prefix of ``version``; host bits are cleared, as FRR does."""
        word = self.word(line, index, f"an IPv{version} prefix")
        try:
            if "/" not in word:
                raise ValueError(word)
            net: IPv4Network | IPv6Network = (IPv4Network(word, strict=False) if version == 4
                                              else IPv6Network(word, strict=False))
        except ValueError:
            self.error(line, f"malformed IPv{version} prefix {word!r}")
        return net

"""Split FRR config text into a tree of numbered lines, the way vtysh walks its nodes.

FRR has no braces: a command such as ``interface eth0-1`` or ``router bgp 65000``
enters a node, deeper-indented lines belong to it, ``exit`` (or
``exit-address-family``) leaves it, and an unindented line also falls back to
the top, as vtysh does when a command is not valid in the current node. ``!``
and ``#`` lines are comments, except netlab's structured comments
(``! netlab-mtu 9000``), which are kept as ordinary lines. ``end`` leaves
configuration mode: FRR ignores what follows, so those lines are returned apart.

The only structural errors are an ``exit`` that closes no block and an
``exit-address-family`` outside an address family: FRR leaves configuration
mode at a stray ``exit`` and silently ignores every later line, so it is raised
as :class:`~netlab.errors.ParseError` with its line number.

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

_BLOCK_WORDS = {"interface", "router", "route-map", "address-family", "vrf", "line", "key",
                "segment-routing", "bfd", "pseudowire", "l2vpn", "nexthop-group", "pbr-map"}
_EXITS = {"exit", "exit-address-family", "exit-vrf", "quit"}


@dataclass(frozen=True, slots=True)
class Line:
    """One configuration line with its 1-based number and the lines nested under it."""

    number: int
    indent: int
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
    lines: tuple[Line, ...]  # top-level lines, each with its block
    after_end: tuple[Line, ...]  # lines after ``end`` (FRR ignores them)


@dataclass(slots=True)
class _Node:
    number: int
    indent: int
    text: str
    raw: str
    children: list[_Node] = field(default_factory=list)

    def is_block(self) -> bool:
        words = self.text.split()
        return bool(self.children) or words[0] in _BLOCK_WORDS or words[:2] == ["mpls", "ldp"]

    def freeze(self) -> Line:
        return Line(self.number, self.indent, self.text, self.raw,
                    tuple(c.freeze() for c in self.children))


def _close(stack: list[_Node], node_text: str, number: int, filename: str) -> None:
    word = node_text.split(maxsplit=1)[0]
    while stack and not stack[-1].is_block():
        stack.pop()
    if not stack:
        raise ParseError(f"'{word}' closes no block here; FRR would leave configuration mode "
                         "and ignore every later line", path=filename, line=number)
    if word == "exit-address-family" and not stack[-1].text.startswith("address-family"):
        raise ParseError("'exit-address-family' outside an address-family block",
                         path=filename, line=number)
    stack.pop()


def split(text: str, filename: str) -> Tree:
    """The line tree of an FRR config; raises ParseError on a stray ``exit``."""
    roots: list[_Node] = []
    stack: list[_Node] = []
    after_end: list[_Node] = []
    ended = False
    for number, written in enumerate(text.splitlines(), start=1):
        stripped = written.strip()
        if not stripped:
            continue
        if stripped[0] in "!#" and not stripped.startswith(("! netlab-", "!netlab-")):
            continue
        raw = written.rstrip()
        indent = len(raw) - len(stripped)
        node = _Node(number, indent, stripped, raw)
        if ended:
            after_end.append(node)
            continue
        first = stripped.split()[0]
        if first == "end" and stripped == "end":
            ended = True
            stack.clear()
            continue
        while stack and stack[-1].indent > indent:
            stack.pop()
        if first in _EXITS and len(stripped.split()) == 1:
            _close(stack, stripped, number, filename)
            continue
        while stack and stack[-1].indent >= indent:
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return Tree(tuple(n.freeze() for n in roots), tuple(n.freeze() for n in after_end))


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

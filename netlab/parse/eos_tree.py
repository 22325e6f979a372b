"""Arista EOS config text as a tree of numbered lines, and a reader for its values.

EOS prints its configuration as indented blocks (``interface X`` with its
sub-commands three spaces in, ``router bgp`` with ``address-family`` blocks six
spaces in) separated by ``!`` comment lines. This module turns text into that
tree and nothing more: every node keeps its 1-based line number, its raw text
and its words, so the model builder (:mod:`netlab.parse.eos`) can name the exact
line of anything it rejects or does not understand.

Nesting follows indentation *relative* to the enclosing line (a deeper line is
a child of the nearest shallower one), so two-space hand edits and tabs work as
well as EOS's own three spaces. Comment lines (``!``, including the RANCID
header), blank lines and trailing whitespace carry no configuration and are
dropped here. :class:`Reader` reads typed values out of a line (raising
:class:`ParseError` with the line number when EOS would reject the text) and
collects :class:`ParseWarning` values for lines that are kept but not used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from ipaddress import (
    IPv4Address,
    IPv4Interface,
    IPv4Network,
    IPv6Address,
    IPv6Interface,
    IPv6Network,
    ip_address,
    ip_interface,
    ip_network,
)

from netlab.errors import ParseError
from netlab.parse.result import ParseWarning

__all__ = ["UNRECOGNIZED", "Line", "Node", "Reader", "parse_tree"]

UNRECOGNIZED = "This syntax is unrecognized"

TAB_WIDTH = 8


@dataclass(frozen=True, slots=True)
class Line:
    """One configuration line: its number, text (without indentation) and words."""

    number: int
    indent: int
    text: str
    words: tuple[str, ...]

    def rest(self, count: int) -> str:
        """The raw text after the first ``count`` words (descriptions keep inner spaces)."""
        m = re.match(r"(?:\S+\s+){" + str(count) + "}", self.text)
        return self.text[m.end():].strip() if m else ""


@dataclass(frozen=True, slots=True)
class Node:
    """A line and the lines indented under it."""

    line: Line
    children: tuple[Node, ...] = ()

    @property
    def words(self) -> tuple[str, ...]:
        return self.line.words


class _Open:
    """A node still collecting children while the text is read."""

    __slots__ = ("children", "line")

    def __init__(self, line: Line) -> None:
        self.line = line
        self.children: list[_Open] = []

    def freeze(self) -> Node:
        return Node(self.line, tuple(c.freeze() for c in self.children))


def _line(number: int, raw: str) -> Line | None:
    expanded = raw.rstrip().expandtabs(TAB_WIDTH)
    text = expanded.lstrip(" ")
    if not text or text.startswith("!"):
        return None
    return Line(number, len(expanded) - len(text), text, tuple(text.split()))


def parse_tree(text: str) -> tuple[Node, ...]:
    """The top-level blocks of ``text``, each with its indented sub-lines."""
    roots: list[_Open] = []
    stack: list[_Open] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _line(number, raw)
        if line is None:
            continue
        while stack and stack[-1].line.indent >= line.indent:
            stack.pop()
        node = _Open(line)
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return tuple(n.freeze() for n in roots)


class Reader:
    """Reads values out of lines and records what it cannot use.

    ``warn`` keeps a line the parser does not understand (or understands but
    the device would ignore) as a :class:`ParseWarning`; the value readers raise
    :class:`ParseError` with the line number for text EOS itself would reject
    (``% Invalid input``/``% Incomplete command``).
    """

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.warnings: list[ParseWarning] = []

    def warn(self, line: Line, comment: str = UNRECOGNIZED) -> None:
        self.warnings.append(ParseWarning(self.filename, line.number, line.text, comment))

    def warn_tree(self, node: Node, comment: str = UNRECOGNIZED) -> None:
        """Warn about ``node`` and every line indented under it."""
        self.warn(node.line, comment)
        for child in node.children:
            self.warn_tree(child, comment)

    def warn_children(self, node: Node) -> None:
        """For one-line commands: nothing belongs under them."""
        for child in node.children:
            self.warn_tree(child)

    def error(self, line: Line, message: str) -> ParseError:
        return ParseError(f"{message}: {line.text}", path=self.filename, line=line.number)

    def word(self, line: Line, index: int, what: str) -> str:
        if index >= len(line.words):
            raise self.error(line, f"incomplete command, expected {what}")
        return line.words[index]

    def expect_end(self, line: Line, count: int) -> None:
        """Raise if ``line`` has words after the first ``count``."""
        if len(line.words) > count:
            raise self.error(line, f"unexpected {line.words[count]!r}")

    def integer(self, line: Line, index: int, what: str, low: int, high: int) -> int:
        raw = self.word(line, index, what)
        if not raw.isdigit():
            raise self.error(line, f"{what} must be a number, not {raw!r}")
        value = int(raw)
        if not low <= value <= high:
            raise self.error(line, f"{what} {value} is out of range {low}-{high}")
        return value

    def address(self, line: Line, index: int, what: str) -> IPv4Address | IPv6Address:
        raw = self.word(line, index, what)
        try:
            return ip_address(raw)
        except ValueError:
            raise self.error(line, f"malformed {what} {raw!r}") from None

    def ipv4(self, line: Line, index: int, what: str) -> IPv4Address:
        addr = self.address(line, index, what)
        if not isinstance(addr, IPv4Address):
            raise self.error(line, f"{what} must be an IPv4 address")
        return addr

    def network(self, line: Line, index: int, what: str) -> IPv4Network | IPv6Network:
        raw = self.word(line, index, what)
        if "/" not in raw:
            raise self.error(line, f"{what} {raw!r} needs a prefix length (A.B.C.D/N)")
        try:
            return ip_network(raw)
        except ValueError as exc:
            raise self.error(line, f"malformed {what} {raw!r} ({exc})") from None

    def interface_address(self, line: Line, index: int, version: int
                          ) -> IPv4Interface | IPv6Interface:
        raw = self.word(line, index, "an address")
        if version == 4 and "/" not in raw and index + 1 < len(line.words):
            raw = f"{raw}/{line.words[index + 1]}"  # the A.B.C.D M.M.M.M form
        if "/" not in raw:
            raise self.error(line, f"address {raw!r} needs a prefix length")
        try:
            itf = ip_interface(raw)
        except ValueError:
            raise self.error(line, f"malformed address {raw!r}") from None
        if itf.version != version:
            raise self.error(line, f"{raw} is not an IPv{version} address")
        return itf

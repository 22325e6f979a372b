"""What every part of the Junos parser shares: warnings, errors and typed values.

A :class:`Context` holds the file's lines and the warnings found so far.
Value readers (:meth:`Context.integer`, :meth:`Context.address` …) raise
:class:`ParseError` with the line when a word is not what Junos would accept
there — a commit would fail on it, so the config cannot be on a router.
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
    ip_network,
)

from netlab.errors import ParseError
from netlab.parse.junos_tree import Leaf
from netlab.parse.result import ParseWarning

__all__ = ["UNRECOGNIZED", "Context"]

UNRECOGNIZED = "This syntax is unrecognized"


@dataclass(slots=True)
class Context:
    """The file being parsed and the warnings collected so far (deduplicated)."""

    filename: str
    lines: list[str]
    warnings: list[ParseWarning] = field(default_factory=list)

    def warn(self, where: Leaf | int, comment: str = UNRECOGNIZED) -> None:
        line = where.line if isinstance(where, Leaf) else where
        text = self.lines[line - 1].strip() if 0 < line <= len(self.lines) else ""
        warning = ParseWarning(self.filename, line, text, comment)
        if warning not in self.warnings:
            self.warnings.append(warning)

    def error(self, message: str, line: int) -> ParseError:
        return ParseError(message, path=self.filename, line=line)

    def integer(self, word: str, line: int, what: str, low: int = 0,
                high: int = 4_294_967_295) -> int:
        if not word.isdigit():
            raise self.error(f"{what} must be a number, not {word!r}", line)
        value = int(word)
        if not low <= value <= high:
            raise self.error(f"{what} {value} is out of range {low}-{high}", line)
        return value

    def address(self, word: str, line: int, what: str) -> IPv4Address | IPv6Address:
        try:
            return ip_address(word)
        except ValueError:
            raise self.error(f"malformed {what} {word!r}", line) from None

    def ipv4(self, word: str, line: int, what: str) -> IPv4Address:
        addr = self.address(word, line, what)
        if not isinstance(addr, IPv4Address):
            raise self.error(f"{what} must be an IPv4 address, not {word!r}", line)
        return addr

    def interface4(self, word: str, line: int) -> IPv4Interface:
        try:
            itf = IPv4Interface(word)
        except ValueError:
            raise self.error(f"malformed IPv4 interface address {word!r} "
                             "(expected address/length)", line) from None
        return itf

    def interface6(self, word: str, line: int) -> IPv6Interface:
        try:
            itf = IPv6Interface(word)
        except ValueError:
            raise self.error(f"malformed IPv6 interface address {word!r} "
                             "(expected address/length)", line) from None
        return itf

    def network(self, word: str, line: int, what: str) -> IPv4Network | IPv6Network:
        try:
            return ip_network(word)
        except ValueError:
            raise self.error(f"malformed {what} {word!r} (expected a prefix such as "
                             "192.0.2.0/24 with no host bits set)", line) from None

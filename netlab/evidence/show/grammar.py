"""Command trees and the parser that reads a line the way a router's CLI does.

A platform's commands are a tree of :class:`Word` nodes: keywords (matched
case-insensitively by any unambiguous prefix, an exact match winning) and
arguments (``<address>``, ``<prefix>``, ``<interface>`` …, checked by
:class:`Arg`). A node with an ``action`` may end the line. :func:`parse`
returns a :class:`Parsed` command or a :class:`Failure` saying what went
wrong and where — the vendor module turns that into its platform's words.

Examples
--------
>>> tree = (Word("show", "Show", (Word("isis", "IS-IS", (
...     Word("adjacency", "Adjacencies", action="adj"),
...     Word("database", "Database", action="db"))),)),)
>>> parse(tree, "sh is adj").action
'adj'
>>> parse(tree, "sh is adj").has("isis")
True
>>> parse(tree, "show isis foo").kind, parse(tree, "show isis foo").token
(<FailureKind.INVALID: 'invalid'>, 'foo')
>>> [w for w, _ in parse(tree, "show isis ?").options]
['adjacency', 'database']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from ipaddress import ip_address, ip_network

__all__ = ["Arg", "Failure", "FailureKind", "Parsed", "Word", "parse", "paths"]


class Arg(StrEnum):
    """What an argument accepts."""

    ADDRESS = "address"  # an IPv4 or IPv6 address
    PREFIX = "prefix"  # an address or a prefix
    INTERFACE = "interface"  # an interface name (checked against the router later)
    WORD = "word"  # anything

    def accepts(self, token: str) -> bool:
        if self is Arg.ADDRESS:
            try:
                ip_address(token)
            except ValueError:
                return False
            return True
        if self is Arg.PREFIX:
            try:
                ip_network(token, strict=False) if "/" in token else ip_address(token)
            except ValueError:
                return False
            return True
        if self is Arg.INTERFACE:
            return bool(re.match(r"^[A-Za-z][\w\-]*\d[\w/.:\-]*$", token))
        return True


@dataclass(frozen=True, slots=True)
class Word:
    """A keyword (``text``) or an argument (``arg`` set, ``text`` its placeholder)."""

    text: str
    help: str
    then: tuple[Word, ...] = ()
    action: str | None = None
    arg: Arg | None = None


@dataclass(frozen=True, slots=True)
class Parsed:
    """A command that parsed: its action and the arguments by placeholder, in order."""

    action: str
    args: tuple[tuple[str, str], ...]

    def arg(self, name: str) -> str | None:
        return next((v for k, v in self.args if k == name), None)

    def has(self, keyword: str) -> bool:
        return any(k == "keyword" and v == keyword for k, v in self.args)


class FailureKind(StrEnum):
    INVALID = "invalid"
    AMBIGUOUS = "ambiguous"
    INCOMPLETE = "incomplete"
    HELP = "help"


@dataclass(frozen=True, slots=True)
class Failure:
    """A line that did not parse: what, at which token (0-based) and column, and the
    words that would have fitted there."""

    kind: FailureKind
    index: int
    column: int
    token: str
    options: tuple[tuple[str, str], ...]
    line: str


def _tokens(line: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group()) for m in re.finditer(r"\S+", line)]


def _options(words: tuple[Word, ...], prefix: str = "") -> tuple[tuple[str, str], ...]:
    out = []
    for w in words:
        if w.arg is not None or w.text.startswith(prefix.lower()):
            out.append((w.text, w.help))
    return tuple(out)


def parse(tree: tuple[Word, ...], line: str) -> Parsed | Failure:
    """Read ``line`` against ``tree`` (see the module docstring)."""
    tokens = _tokens(line)
    level = tree
    args: list[tuple[str, str]] = []
    action: str | None = None
    for index, (column, token) in enumerate(tokens):
        if token == "?" or token.endswith("?"):
            stem = token[:-1]
            return Failure(FailureKind.HELP, index, column, token, _options(level, stem), line)
        low = token.lower()
        keywords = [w for w in level if w.arg is None]
        exact = [w for w in keywords if w.text == low]
        matches = exact or [w for w in keywords if w.text.startswith(low)]
        if len(matches) > 1:
            return Failure(FailureKind.AMBIGUOUS, index, column, token,
                           _options(tuple(matches)), line)
        if matches:
            word = matches[0]
            args.append(("keyword", word.text))
        else:
            word_or_none = next((w for w in level if w.arg is not None and w.arg.accepts(token)),
                                None)
            if word_or_none is None:
                return Failure(FailureKind.INVALID, index, column, token, _options(level), line)
            word = word_or_none
            args.append((word.text, token))
        action = word.action
        level = word.then
    if action is None:
        column = len(line.rstrip()) + 1
        return Failure(FailureKind.INCOMPLETE, len(tokens), column, "", _options(level), line)
    return Parsed(action, tuple(args))


def paths(tree: tuple[Word, ...], prefix: str = "") -> list[str]:
    """Every complete command of ``tree`` as text (arguments as their placeholders)."""
    out: list[str] = []
    for w in tree:
        here = f"{prefix} {w.text}".strip()
        if w.action is not None:
            out.append(here)
        out.extend(paths(w.then, here))
    return out

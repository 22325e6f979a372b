"""Split IOS-XR config text into a tree of numbered lines.

IOS-XR prints its configuration as an indentation tree (``interface X`` /
`` description ...``) closed by ``!`` lines, except for the RPL constructs
(``route-policy`` … ``end-policy`` and the ``*-set`` … ``end-set`` sets), which
are closed by keywords and whose bodies are free-form statements. The tree
keeps every line's number so the model builder can point warnings and errors
at the exact line a person wrote.

Rules:

* Blank lines, ``!`` comment lines (including the ``!RANCID-CONTENT-TYPE``
  header) and ``exit`` lines are skipped; an ``exit`` only leaves a sub-mode,
  which the indentation already says.
* A line is the child of the nearest previous line indented less than it.
* ``route-policy`` and ``*-set`` take every following line, whatever its
  indentation, up to their closing keyword. A missing closer — the end of the
  file or another top-level block starting first — is a :class:`ParseError`
  at the opening line; a closer with nothing to close is one at its own line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from netlab.errors import ParseError
from netlab.parse.result import ParseWarning

__all__ = ["Line", "Reporter", "iter_tree", "parse_tree"]

# Top-level statements whose body ends with a keyword instead of indentation.
_RPL_BLOCKS = {
    "route-policy": "end-policy",
    "prefix-set": "end-set",
    "as-path-set": "end-set",
    "community-set": "end-set",
    "extcommunity-set": "end-set",
    "large-community-set": "end-set",
    "rd-set": "end-set",
    "tag-set": "end-set",
}
_CLOSERS = set(_RPL_BLOCKS.values())
# Words that start a new top-level block: seeing one at column 0 inside an RPL
# body means its closer is missing.
_TOP_LEVEL_STARTS = {"interface", "router", "mpls", "hostname", "end", *_RPL_BLOCKS}


@dataclass(frozen=True, slots=True)
class Line:
    """One configuration line: its 1-based number, indentation, text and sub-lines."""

    number: int
    indent: int
    text: str  # without indentation and trailing blanks
    children: tuple[Line, ...] = ()

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.text.split())

    def rest(self, count: int) -> str:
        """The text after the first ``count`` words, spacing inside it kept."""
        parts = self.text.split(None, count)
        return parts[count] if len(parts) > count else ""


@dataclass(slots=True)
class _Open:
    number: int
    indent: int
    text: str
    children: list[_Open] = field(default_factory=list)

    def freeze(self) -> Line:
        return Line(self.number, self.indent, self.text,
                    tuple(c.freeze() for c in self.children))


def _lines(text: str) -> list[tuple[int, int, str]]:
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        expanded = raw.expandtabs(8).rstrip()
        stripped = expanded.lstrip()
        if not stripped or stripped.startswith("!") or stripped == "exit":
            continue
        out.append((number, len(expanded) - len(stripped), stripped))
    return out


def parse_tree(text: str, filename: str) -> tuple[Line, ...]:
    """The top-level lines of ``text``, each with its sub-lines."""
    roots: list[_Open] = []
    stack: list[_Open] = []
    lines = _lines(text)
    i = 0
    while i < len(lines):
        number, indent, stripped = lines[i]
        first = stripped.split(None, 1)[0]
        if first in _CLOSERS:
            raise ParseError(f"'{first}' without an open route-policy or set",
                             path=filename, line=number)
        if indent == 0 and first in _RPL_BLOCKS:
            closer = _RPL_BLOCKS[first]
            block = _Open(number, 0, stripped)
            i += 1
            while True:
                if i == len(lines):
                    raise ParseError(f"'{stripped}' is not closed: no '{closer}' before the "
                                     "end of the file", path=filename, line=number)
                n2, ind2, s2 = lines[i]
                w2 = s2.split(None, 1)[0]
                if w2 == closer:
                    break
                if w2 in _CLOSERS or (ind2 == 0 and w2 in _TOP_LEVEL_STARTS):
                    raise ParseError(f"'{stripped}' is not closed: no '{closer}' before "
                                     f"line {n2}", path=filename, line=number)
                block.children.append(_Open(n2, ind2, s2))
                i += 1
            roots.append(block)
            stack = []
            i += 1
            continue
        node = _Open(number, indent, stripped)
        while stack and stack[-1].indent >= indent:
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
        i += 1
    return tuple(r.freeze() for r in roots)


def iter_tree(line: Line) -> list[Line]:
    """``line`` and all its descendants, in file order."""
    out = [line]
    for child in line.children:
        out.extend(iter_tree(child))
    return out


class Reporter:
    """Collects the warnings of one parse and makes its errors, all naming file and line."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.warnings: list[ParseWarning] = []

    def warn(self, line: Line, comment: str = "This syntax is unrecognized") -> None:
        self.warnings.append(ParseWarning(self.filename, line.number, line.text, comment))

    def warn_all(self, line: Line, comment: str = "This syntax is unrecognized") -> None:
        """Warn about ``line`` and every line under it."""
        for each in iter_tree(line):
            self.warn(each, comment)

    def error(self, line: Line, message: str) -> ParseError:
        return ParseError(message, path=self.filename, line=line.number)

    def number(self, line: Line, text: str, what: str, low: int = 0,
               high: int = 4_294_967_295) -> int:
        """``text`` as an integer in [low, high], or a ParseError naming ``what``."""
        if not text.isdigit():
            raise self.error(line, f"{what} must be a number, not {text!r}")
        value = int(text)
        if not low <= value <= high:
            raise self.error(line, f"{what} {value} is out of range {low}-{high}")
        return value

    def address(self, line: Line, text: str) -> IPv4Address | IPv6Address:
        try:
            return ip_address(text)
        except ValueError:
            raise self.error(line, f"malformed IP address {text!r}") from None

    def network(self, line: Line, text: str) -> IPv4Network | IPv6Network:
        """A prefix written ``A/len`` with no host bits set."""
        if "/" not in text:
            raise self.error(line, f"malformed prefix {text!r} (expected address/length)")
        try:
            return ip_network(text)
        except ValueError as exc:
            raise self.error(line, f"malformed prefix {text!r}: {exc}") from None

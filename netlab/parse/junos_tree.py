"""Tokenize hierarchical Junos configuration into a statement tree and flatten it.

Hand-written rather than a library: we need every statement's line number (for
warnings and ``file:line`` errors on files trainees edit), Junos' own lexical
rules (quoted strings with escapes, ``[ a b ]`` lists, ``#`` and ``/* */``
comments, the ``inactive:`` tag) and nothing more; no parser library reads the
four dialects netlab renders and keeps lines, and this one is small.

:func:`parse_tree` returns the top-level :class:`Statement` values, and the
lines it skipped as not hierarchical Junos for the caller to judge: lines
starting with ``!`` (the RANCID header, or a stray IOS-style comment) and
``set``/``delete``/``(de)activate`` commands;
:func:`leaves` flattens them into :class:`Leaf` paths — the words of every
enclosing statement followed by the leaf's own words, exactly what Junos'
``show configuration | display set`` prints after ``set``. A ``[ a b ]`` list
becomes one leaf per element (``export A``, ``export B``), as ``set`` does.

Syntax errors raise :class:`ParseError` with the line: an unterminated string
(strings end on their line), list or comment, a statement missing its ``;``
(a statement's words are on one line, as Junos prints them), a block without a
name, and
unbalanced braces. For braces the line is found from the indentation Junos
writes: the first ``}`` not indented like its ``{`` shows where a brace is
missing (the ``{`` that is never closed) or extra (that ``}``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from netlab.errors import ParseError

__all__ = ["Leaf", "Statement", "Tree", "leaves", "parse_tree"]

_SPECIAL = "{};[]\""
_TAGS = {"inactive:": True, "protect:": False, "replace:": False}


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement: its words, the line of its first word, its children.

    ``children`` is None for a leaf (``words;``) and a tuple for a block
    (``words { ... }``, possibly empty).
    """

    words: tuple[str, ...]
    line: int
    children: tuple[Statement, ...] | None = None
    inactive: bool = False


@dataclass(frozen=True, slots=True)
class Leaf:
    """A flattened statement.

    ``inactive_at`` is the length of the path prefix whose statement carries
    ``inactive:`` (the outermost one), else None. ``heads`` holds, for the leaf
    and every enclosing statement, the path length where it ends and its line.
    """

    path: tuple[str, ...]
    line: int
    inactive_at: int | None = None
    heads: tuple[tuple[int, int], ...] = ()

    def line_at(self, length: int) -> int:
        """The line of the statement holding word ``length`` of the path (1-based)."""
        return next((line for end, line in self.heads if end >= length), self.line)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "word", or one of { } ; [ ]
    text: str
    line: int
    indent: int  # indentation of the token's line


_FLAT = ("set ", "delete ", "deactivate ", "activate ")


def _tokens(text: str, filename: str, skipped: list[int]) -> Iterator[_Token]:
    lines = text.split("\n")
    indents = [len(s) - len(s.lstrip(" \t")) for s in lines]
    i, line, n, line_start = 0, 1, len(text), 0
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            i += 1
            line_start = i
        elif not text[line_start:i].strip() and (
                ch == "!" or (text.startswith(_FLAT, i) and not any(
                    c in lines[line - 1] for c in "{};"))):
            skipped.append(line)  # a RANCID header, an IOS comment or a set command
            while i < n and text[i] != "\n":
                i += 1
        elif ch in " \t\r":
            i += 1
        elif ch == "#":
            while i < n and text[i] != "\n":
                i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise ParseError("unterminated /* comment", path=filename, line=line)
            line += text.count("\n", i, end)
            i = end + 2
        elif ch == '"':
            start_line, i, buf = line, i + 1, []
            while i < n and text[i] not in '"\n':
                if text[i] == "\\" and i + 1 < n and text[i + 1] != "\n":
                    i += 1
                buf.append(text[i])
                i += 1
            if i >= n or text[i] == "\n":
                raise ParseError("unterminated quoted string", path=filename, line=start_line)
            i += 1
            yield _Token("word", "".join(buf), start_line, indents[start_line - 1])
        elif ch in _SPECIAL:
            yield _Token(ch, ch, line, indents[line - 1])
            i += 1
        else:
            start = i
            while i < n and text[i] not in _SPECIAL and not text[i].isspace():
                i += 1
            yield _Token("word", text[start:i], line, indents[line - 1])


@dataclass(slots=True)
class _Block:
    open_line: int
    open_indent: int
    close_line: int = 0
    close_indent: int = 0


class _Parser:
    def __init__(self, text: str, filename: str) -> None:
        self.filename = filename
        self.skipped: list[int] = []
        self.toks = list(_tokens(text, filename, self.skipped))
        self.pos = 0
        self.blocks: list[_Block] = []

    def error(self, message: str, line: int) -> ParseError:
        return ParseError(message, path=self.filename, line=line)

    def brace_error(self, default: ParseError) -> ParseError:
        """Locate a missing or extra brace from the indentation of the blocks."""
        for b in sorted((b for b in self.blocks if b.close_line), key=lambda b: b.close_line):
            if b.close_indent != b.open_indent:
                if b.close_indent < b.open_indent:
                    return self.error("'{' is never closed (missing '}')", b.open_line)
                return self.error("unbalanced '}' (no '{' to close)", b.close_line)
        return default

    def statements(self, depth: int) -> list[Statement]:
        out: list[Statement] = []
        while self.pos < len(self.toks):
            tok = self.toks[self.pos]
            if tok.kind == "}":
                if depth == 0:
                    raise self.brace_error(
                        self.error("unbalanced '}' (no '{' to close)", tok.line))
                return out
            if tok.kind == ";":
                self.pos += 1  # an empty statement: Junos and Batfish ignore it
                continue
            out.extend(self.statement(depth))
        if depth > 0:
            opened = next(b for b in reversed(self.blocks) if not b.close_line)
            raise self.brace_error(self.error("'{' is never closed (missing '}')",
                                              opened.open_line))
        return out

    def statement(self, depth: int) -> list[Statement]:
        first = self.toks[self.pos]
        inactive = False
        words: list[str] = []
        items: list[str] | None = None
        after: list[str] = []
        last = first.line
        while self.pos < len(self.toks):
            tok = self.toks[self.pos]
            self.pos += 1
            if tok.kind == "word":
                if not words and items is None and tok.text in _TAGS:
                    inactive = inactive or _TAGS[tok.text]
                    continue
                if words and tok.line != last:
                    raise self.error(f"missing ';' after '{' '.join(words)}'", last)
                (after if items is not None else words).append(tok.text)
                last = tok.line
            elif tok.kind == "[":
                if items is not None:
                    raise self.error("a statement may hold one [ ] list", tok.line)
                items = self.bracket_list(tok.line)
            elif tok.kind == ";":
                if not words:
                    raise self.error("a list without a statement name", first.line)
                if items is None:
                    return [Statement(tuple(words), first.line, None, inactive)]
                return [Statement((*words, item, *after), first.line, None, inactive)
                        for item in items]
            elif tok.kind == "{":
                if not words or items is not None:
                    raise self.error("'{' must follow a statement name", tok.line)
                block = _Block(tok.line, first.indent)
                self.blocks.append(block)
                children = self.statements(depth + 1)
                close = self.toks[self.pos]
                block.close_line, block.close_indent = close.line, close.indent
                self.pos += 1
                return [Statement(tuple(words), first.line, tuple(children), inactive)]
            else:  # "}" or "]" where a statement should end
                raise self.error(f"missing ';' after '{' '.join(words)}'", first.line)
        raise self.error(f"missing ';' after '{' '.join(words)}'", first.line)

    def bracket_list(self, line: int) -> list[str]:
        items: list[str] = []
        while self.pos < len(self.toks):
            tok = self.toks[self.pos]
            self.pos += 1
            if tok.kind == "]":
                if not items:
                    raise self.error("empty [ ] list", line)
                return items
            if tok.kind != "word":
                break
            items.append(tok.text)
        raise self.error("unterminated [ list (missing ']')", line)


@dataclass(frozen=True, slots=True)
class Tree:
    """The top-level statements, and the lines skipped as not hierarchical Junos."""

    statements: tuple[Statement, ...]
    skipped: tuple[int, ...]


def parse_tree(text: str, filename: str) -> Tree:
    """The statement tree of ``text``; raises ParseError on syntax errors."""
    parser = _Parser(text, filename)
    return Tree(tuple(parser.statements(0)), tuple(parser.skipped))


def leaves(statements: tuple[Statement, ...], prefix: tuple[str, ...] = (),
           inactive_at: int | None = None,
           heads: tuple[tuple[int, int], ...] = ()) -> Iterator[Leaf]:
    """Every leaf (and empty block) of ``statements`` as a full path, in file order."""
    for st in statements:
        path = prefix + st.words
        at = inactive_at if inactive_at is not None else (len(path) if st.inactive else None)
        here = (*heads, (len(path), st.line))
        if st.children:
            yield from leaves(st.children, path, at, here)
        else:
            yield Leaf(path, st.line, at, here)

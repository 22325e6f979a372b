"""Read IOS-XR RPL — ``prefix-set`` and ``route-policy`` — back into the model.

The model's route policy is an ordered list of first-match-wins terms and a
default action. The renderer writes each term as::

      # term <name>
      if destination in <prefix-set> then
        set local-preference N
        set med M
        prepend as-path <local-as>|own-as N
        done | drop
      endif

(unconditional terms without the ``if``) and the default as the final bare
``pass`` or ``drop``. This module reads exactly that shape and is strict about
RPL syntax a router rejects, lenient (a warning) about RPL the model cannot
express:

* ``if`` without ``endif``, ``endif``/``else`` without ``if``, a ``prefix-set``
  with a missing or trailing ``,``, a malformed prefix or a non-numeric value
  raise :class:`ParseError`; so does a reference to an undefined prefix-set
  (IOS-XR refuses to commit it).
* Other conditions, ``else`` branches, nested ``if``, ``apply``, other ``set``
  statements, ``ge``/``eq`` prefix ranges, prepending a foreign AS, sets that
  fall through without ``done``/``drop`` and statements after the final action
  are warnings; the statement is left out of the model.
* ``pass`` inside a term is read as ``done`` with a warning: in RPL ``pass``
  accepts but keeps evaluating, which a first-match model cannot say.
* With no final action the policy drops (RPL's implicit default).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from netlab.model.device import Action, PolicyTerm, PrefixList, PrefixListEntry, RoutePolicy
from netlab.parse.iosxr_tree import Line, Reporter

__all__ = ["parse_prefix_set", "parse_route_policy"]

_TERM_COMMENT = re.compile(r"#\s*term\s+(\S+)\s*$")
_IF_DESTINATION = re.compile(r"if\s+destination\s+in\s+(\S+)\s+then$")
_ACTIONS = {"done": Action.PERMIT, "pass": Action.PERMIT, "drop": Action.DENY}
_MAX_U32 = 4_294_967_295


def parse_prefix_set(node: Line, rep: Reporter) -> PrefixList | None:
    """A ``prefix-set NAME`` block; None (with warnings) when its header is not understood."""
    words = node.words
    if len(words) != 2 or "(" in node.text:
        rep.warn_all(node, "parameterised or malformed prefix-set is not modelled")
        return None
    body = [ln for ln in node.children if not ln.text.startswith("#")]
    entries: list[PrefixListEntry] = []
    for index, ln in enumerate(body):
        last = index == len(body) - 1
        text = ln.text
        if last and text.endswith(","):
            raise rep.error(ln, f"prefix-set {words[1]}: trailing ',' after the last entry")
        if not last and not text.endswith(","):
            raise rep.error(ln, f"prefix-set {words[1]}: missing ',' between entries")
        for piece in text.rstrip(",").split(","):
            entry = _prefix_entry(ln, piece.split(), rep)
            if entry is not None and entry not in entries:
                entries.append(entry)
    return PrefixList(words[1], tuple(entries))


def _prefix_entry(ln: Line, words: list[str], rep: Reporter) -> PrefixListEntry | None:
    if not words:
        raise rep.error(ln, "empty prefix-set entry")
    prefix = rep.network(ln, words[0])
    bits = prefix.max_prefixlen
    if len(words) == 1:
        return PrefixListEntry(prefix)
    if len(words) == 3 and words[1] == "le":
        le = rep.number(ln, words[2], "prefix length", prefix.prefixlen, bits)
        return PrefixListEntry(prefix, le)
    if len(words) % 2 == 1 and all(w in ("ge", "le", "eq") for w in words[1::2]):
        for value in words[2::2]:
            rep.number(ln, value, "prefix length", 0, bits)
        rep.warn(ln, "prefix range other than 'le' is not modelled; entry ignored")
        return None
    raise rep.error(ln, f"malformed prefix-set entry {' '.join(words)!r}")


@dataclass(frozen=True, slots=True)
class _Sets:
    local_preference: int | None = None
    med: int | None = None
    prepend: int = 0


def _apply_set(ln: Line, sets: _Sets, rep: Reporter, asn: int | None) -> _Sets:
    """``sets`` updated by the set/prepend statement ``ln`` (a warning if not modelled)."""
    w = ln.words
    if w[:2] == ("set", "local-preference") and len(w) == 3:
        value = rep.number(ln, w[2], "local-preference", 0, _MAX_U32)
        return _Sets(value, sets.med, sets.prepend)
    if w[:2] == ("set", "med") and len(w) == 3 and not w[2].startswith(("+", "-")):
        return _Sets(sets.local_preference, rep.number(ln, w[2], "med", 0, _MAX_U32),
                     sets.prepend)
    if w[:2] == ("prepend", "as-path") and len(w) in (3, 4):
        count = rep.number(ln, w[3], "prepend count", 1, 63) if len(w) == 4 else 1
        if w[2] == "own-as" or (w[2].isdigit() and asn is not None and int(w[2]) == asn):
            return _Sets(sets.local_preference, sets.med, count)
        if w[2].isdigit():
            rep.warn(ln, "prepending an AS other than the local one is not modelled")
            return sets
    rep.warn(ln)
    return sets


def _term(name: str, match: str | None, action: Action, sets: _Sets) -> PolicyTerm:
    return PolicyTerm(name=name, action=action, match_prefix_list=match,
                      set_local_preference=sets.local_preference, set_med=sets.med,
                      prepend_as=sets.prepend)


def _check_nesting(node: Line, rep: Reporter) -> dict[int, int]:
    """Map each ``if`` line's body index to its ``endif`` index; unbalanced is an error."""
    stack: list[int] = []
    ends: dict[int, int] = {}
    for index, ln in enumerate(node.children):
        first = ln.words[0]
        if first == "if":
            stack.append(index)
        elif first in ("else", "elseif", "endif") and not stack:
            raise rep.error(ln, f"'{first}' without 'if' in route-policy {node.words[1]}")
        elif first == "endif":
            ends[stack.pop()] = index
    if stack:
        raise rep.error(node.children[stack[-1]],
                        f"'if' without 'endif' in route-policy {node.words[1]}")
    return ends


def _if_term(block: list[Line], name: str, rep: Reporter, prefix_sets: set[str],
             asn: int | None) -> PolicyTerm | None:
    """The term of one ``if … endif`` block (``block`` includes both lines)."""
    head = block[0]
    m = _IF_DESTINATION.fullmatch(head.text)
    if m is None or m.group(1).startswith("("):
        for ln in block:
            rep.warn(ln, "route-policy condition not modelled; term ignored")
        return None
    match = m.group(1)
    if match not in prefix_sets:
        raise rep.error(head, f"prefix-set {match} is not defined")
    sets = _Sets()
    action: Action | None = None
    depth = 0
    skipping = False  # inside an else/elseif branch
    for ln in block[1:-1]:
        first = ln.words[0]
        if depth or first == "if":
            depth += {"if": 1, "endif": -1}.get(first, 0)
            rep.warn(ln, "nested route-policy condition not modelled")
        elif skipping or first in ("else", "elseif"):
            skipping = True
            rep.warn(ln, "else branch not modelled; ignored")
        elif ln.text.startswith("#"):
            continue
        elif action is not None:
            rep.warn(ln, f"statement after '{'done' if action is Action.PERMIT else 'drop'}'"
                         " is never reached")
        elif first in _ACTIONS and len(ln.words) == 1:
            action = _ACTIONS[first]
            if first == "pass":
                rep.warn(ln, "'pass' keeps evaluating the policy; netlab reads it as 'done'")
        else:
            sets = _apply_set(ln, sets, rep, asn)
    if action is None:
        rep.warn(head, "term without done/drop/pass is not modelled; term ignored")
        return None
    return _term(name, match, action, sets)


def parse_route_policy(node: Line, rep: Reporter, prefix_sets: set[str],
                       asn: int | None) -> RoutePolicy | None:
    """A ``route-policy NAME`` block; None (with warnings) when its header is not understood.

    ``prefix_sets`` are the names defined in the file; ``asn`` is the local AS
    (``prepend as-path <asn>`` means prepending it), None without BGP.
    """
    words = node.words
    if len(words) != 2 or "(" in node.text:
        rep.warn_all(node, "parameterised or malformed route-policy is not modelled")
        return None
    ends = _check_nesting(node, rep)
    body = node.children
    terms: list[PolicyTerm] = []
    pending: str | None = None  # name from a '# term' comment
    sets = _Sets()
    set_lines: list[Line] = []
    default: Action | None = None
    i = 0
    while i < len(body):
        ln = body[i]
        first = ln.words[0]
        span = list(body[i:ends[i] + 1]) if first == "if" else [ln]
        i += len(span)
        if ln.text.startswith("#"):
            m = _TERM_COMMENT.fullmatch(ln.text)
            if m is not None and default is None:
                pending = m.group(1)
            continue
        if default is not None:
            for each in span:
                rep.warn(each, "statement after the policy's final action is never reached")
            continue
        name = pending or f"term-{len(terms) + 1}"
        if first == "if":
            for each in set_lines:
                rep.warn(each, "set without done/drop before it is not modelled")
            sets, set_lines = _Sets(), []
            term = _if_term(span, name, rep, prefix_sets, asn)
            pending = None
            if term is not None:
                terms.append(term)
        elif first in ("set", "prepend"):
            sets = _apply_set(ln, sets, rep, asn)
            set_lines.append(ln)
        elif first in _ACTIONS and len(ln.words) == 1:
            if pending is None and not set_lines:
                default = _ACTIONS[first]
                continue
            if first == "pass":
                rep.warn(ln, "'pass' keeps evaluating the policy; netlab reads it as 'done'")
            terms.append(_term(name, None, _ACTIONS[first], sets))
            pending, sets, set_lines = None, _Sets(), []
        else:
            rep.warn(ln)
    for each in set_lines:
        rep.warn(each, "set without done/drop after it is not modelled")
    return RoutePolicy(words[1], tuple(terms), default or Action.DENY)

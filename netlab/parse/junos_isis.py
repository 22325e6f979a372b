"""Read ``protocols isis`` back into the IS-IS process and per-interface settings.

Levels: ``level 1 disable`` makes a process or circuit level-2 only, ``level 2
disable`` level-1 only, neither both (Junos' default). ``wide-metrics-only`` on
the enabled levels is ``wide_metrics``. An interface's metric and hello
authentication are read from its enabled levels; a level-1-2 circuit whose
levels differ keeps level 2's (a warning), and settings on a disabled level are
ignored with a warning, as Junos ignores them. Defaults when absent: metric 10,
no authentication. ``interface X disable`` turns IS-IS off on X.

The NET is not here but on an interface's ``family iso`` (the caller passes
it): without one Junos does not run IS-IS, so the process is None (a warning).
An IS-IS interface whose unit 0 lacks ``family iso`` does not run IS-IS either.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from netlab.model.device import AuthType, HelloAuth, IsisInterface, IsisLevel, IsisProcess
from netlab.parse.junos_tree import Leaf
from netlab.parse.junos_values import Context

__all__ = ["IsisReader"]

_AUTH = {"md5": AuthType.MD5, "simple": AuthType.TEXT}
_LEVEL_SETTINGS = ("metric", "hello-authentication-key", "hello-authentication-type")


@dataclass(slots=True)
class _Circuit:
    name: str
    line: int  # of its ``interface`` statement
    passive: bool = False
    point_to_point: bool = False
    off: bool = False
    disabled: dict[int, Leaf] = field(default_factory=dict)
    settings: dict[tuple[int, str], tuple[str, Leaf]] = field(default_factory=dict)


def _level_of(disabled: dict[int, Leaf]) -> IsisLevel:
    if 1 in disabled:
        return IsisLevel.L2
    if 2 in disabled:
        return IsisLevel.L1
    return IsisLevel.L1L2


def _enabled(level: IsisLevel) -> tuple[int, ...]:
    return {IsisLevel.L1: (1,), IsisLevel.L2: (2,), IsisLevel.L1L2: (2, 1)}[level]


class IsisReader:
    """Collects ``protocols isis`` leaves; :meth:`interfaces` and :meth:`process` resolve."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.line: int | None = None
        self.disabled: dict[int, Leaf] = {}
        self.wide: dict[int, Leaf] = {}
        self.overload = False
        self.circuits: dict[str, _Circuit] = {}

    @property
    def present(self) -> bool:
        return self.line is not None

    def _level(self, word: str, leaf: Leaf) -> int:
        if word not in ("1", "2"):
            raise self.ctx.error(f"IS-IS level must be 1 or 2, not {word!r}", leaf.line)
        return int(word)

    def _disable(self, table: dict[int, Leaf], level: int, leaf: Leaf) -> None:
        if table and level not in table:
            self.ctx.warn(leaf, "Both IS-IS levels disabled; this line is ignored")
        else:
            table.setdefault(level, leaf)

    def feed(self, rest: tuple[str, ...], leaf: Leaf) -> None:
        """``rest`` is the path after ``protocols isis``."""
        self.line = self.line or leaf.line_at(2)
        if not rest:
            return
        if rest == ("overload",):
            self.overload = True
        elif len(rest) == 3 and rest[0] == "level" and rest[2] == "disable":
            self._disable(self.disabled, self._level(rest[1], leaf), leaf)
        elif len(rest) == 3 and rest[0] == "level" and rest[2] == "wide-metrics-only":
            self.wide[self._level(rest[1], leaf)] = leaf
        elif rest[0] == "interface" and len(rest) >= 2:
            self._interface(rest[1], rest[2:], leaf)
        else:
            self.ctx.warn(leaf)

    def _interface(self, name: str, rest: tuple[str, ...], leaf: Leaf) -> None:
        base, _, unit = name.partition(".")
        if unit not in ("", "0"):
            self.ctx.warn(leaf, "Only unit 0 is modelled")
            return
        if base == "all":
            self.ctx.warn(leaf, "'interface all' is not modelled; list the interfaces")
            return
        c = self.circuits.setdefault(base, _Circuit(base, leaf.line_at(4)))
        if not rest:
            return
        if rest == ("passive",):
            c.passive = True
        elif rest == ("point-to-point",):
            c.point_to_point = True
        elif rest == ("disable",):
            c.off = True
        elif len(rest) == 3 and rest[0] == "level" and rest[2] == "disable":
            self._disable(c.disabled, self._level(rest[1], leaf), leaf)
        elif len(rest) == 4 and rest[0] == "level" and rest[2] in _LEVEL_SETTINGS:
            c.settings[(self._level(rest[1], leaf), rest[2])] = (rest[3], leaf)
        else:
            self.ctx.warn(leaf)

    def _setting(self, c: _Circuit, level: IsisLevel, key: str) -> tuple[str, Leaf] | None:
        values = [c.settings.get((lvl, key)) for lvl in _enabled(level)]
        first = values[0]
        for other in values[1:]:
            if other is not None and (first is None or other[0] != first[0]):
                self.ctx.warn(other[1], f"Level 1 {key} differs from level 2; the model "
                                        "has one value (level 2's)")
        return first

    def _circuit(self, c: _Circuit) -> IsisInterface:
        level = _level_of(c.disabled)
        for (lvl, _), (_, leaf) in c.settings.items():
            if lvl not in _enabled(level):
                self.ctx.warn(leaf, f"Settings of disabled level {lvl} are ignored")
        metric = self._setting(c, level, "metric")
        key = self._setting(c, level, "hello-authentication-key")
        kind = self._setting(c, level, "hello-authentication-type")
        if kind is not None and kind[0] not in _AUTH:
            raise self.ctx.error("hello-authentication-type must be md5 or simple, "
                                 f"not {kind[0]!r}", kind[1].line)
        auth = None
        if key is not None and kind is not None:
            auth = HelloAuth(_AUTH[kind[0]], key[0])
        elif key is not None or kind is not None:
            where = key or kind
            assert where is not None
            self.ctx.warn(where[1], "Hello authentication needs both "
                                    "hello-authentication-key and -type; not modelled")
        return IsisInterface(
            metric=self.ctx.integer(metric[0], metric[1].line, "IS-IS metric", 0,
                                    16_777_215) if metric else 10,
            passive=c.passive,
            point_to_point=c.point_to_point,
            level=level,
            hello_auth=auth,
        )

    def interfaces(self, iso: dict[str, bool]) -> dict[str, IsisInterface]:
        """IS-IS settings per interface name; ``iso`` says which have ``family iso``."""
        out: dict[str, IsisInterface] = {}
        for name, c in self.circuits.items():
            if c.off:
                continue
            if name not in iso:
                self.ctx.warn(c.line, f"Interface {name} is not configured")
            elif not iso[name]:
                self.ctx.warn(c.line, f"{name} unit 0 has no family iso; Junos does not "
                                      "run IS-IS there")
            else:
                out[name] = self._circuit(c)
        return out

    def process(self, net: str | None) -> IsisProcess | None:
        if self.line is None:
            return None
        if net is None:
            self.ctx.warn(self.line, "IS-IS has no NET (family iso address on lo0); "
                                     "Junos does not run it")
            return None
        level = _level_of(self.disabled)
        enabled = _enabled(level)
        wide = [lvl for lvl in enabled if lvl in self.wide]
        for lvl, leaf in self.wide.items():
            if lvl not in enabled:
                self.ctx.warn(leaf, f"Settings of disabled level {lvl} are ignored")
        if wide and len(wide) != len(enabled):
            self.ctx.warn(self.wide[wide[0]], "wide-metrics-only on one level only; the "
                                              "model has one metric style (wide)")
        return IsisProcess(net=net, level=level, overload=self.overload,
                           wide_metrics=bool(wide))

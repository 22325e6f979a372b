"""Config edits as data: how a scenario's reference fix changes a DeviceConfig.

An edit names a router, a *path* into its :class:`DeviceConfig` and a new
value (or ``remove``)::

    - {router: sea-bb1, path: "isis.overload", value: false}
    - {router: sea-bb1, path: "interfaces[et-0/0/1].isis.metric", value: 120}
    - {router: sea-pr1, path: "bgp.neighbors[198.18.0.3].remote_as", value: 65000}
    - {router: sea-pr1, path: "bgp.neighbors[198.18.0.9]", remove: true}
    - {router: sea-bb1, path: "interfaces[et-0/0/1].isis", value: {metric: 40}}

``[key]`` selects an element of a collection by its identity: interfaces,
prefix lists, route policies and policy terms by name, neighbors by address,
static routes by prefix. A mapping value builds the nested value (fields not
given take their defaults). Values are converted to the field's type, so
YAML scalars work for addresses, enums and numbers.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache
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
from typing import Any

from netlab.errors import ScenarioError
from netlab.model.device import DeviceConfig
from netlab.scenario.match import plain

__all__ = ["ConfigEdit", "apply_edit", "apply_edits", "diff_config", "diff_configs"]

_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[([^\]]+)\])?")
_IDENTITY = {"interfaces": "name", "prefix_lists": "name", "route_policies": "name",
             "terms": "name", "neighbors": "address", "static_routes": "prefix",
             "entries": "prefix", "networks": None}


@dataclass(frozen=True, slots=True)
class ConfigEdit:
    router: str
    path: str
    value: Any = None
    remove: bool = False

    def describe(self) -> str:
        if self.remove:
            return f"{self.router}: remove {self.path}"
        return f"{self.router}: {self.path} = {self.value!r}"


@cache
def _hints_cached(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _hints(cls: Any) -> dict[str, Any]:
    return _hints_cached(cls)


def _convert(tp: Any, value: Any, where: str) -> Any:
    """Convert a YAML value to the annotated type ``tp``."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _convert(arg, value, where)
            except (ScenarioError, ValueError, TypeError) as exc:
                errors.append(str(exc))
        raise ScenarioError(f"{where}: {value!r} does not fit ({'; '.join(errors)})")
    if origin is tuple:
        (item,) = typing.get_args(tp)[:1]
        if not isinstance(value, list):
            raise ScenarioError(f"{where}: expected a list")
        return tuple(_convert(item, v, where) for v in value)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(value, Mapping):
            raise ScenarioError(f"{where}: expected a mapping of {tp.__name__} fields")
        hints = _hints(tp)
        unknown = set(value) - set(hints)
        if unknown:
            raise ScenarioError(f"{where}: {tp.__name__} has no field {sorted(unknown)[0]!r}")
        try:
            return tp(**{k: _convert(hints[k], v, f"{where}.{k}") for k, v in value.items()})
        except TypeError as exc:
            raise ScenarioError(f"{where}: {exc}") from None
    if isinstance(tp, type) and issubclass(tp, Enum):
        try:
            return tp(value)
        except ValueError:
            raise ScenarioError(f"{where}: {value!r} is not one of "
                                f"{', '.join(str(m.value) for m in tp)}") from None
    parsers: dict[Any, Any] = {
        IPv4Address: ip_address, IPv6Address: ip_address, IPv4Network: ip_network,
        IPv6Network: ip_network, IPv4Interface: ip_interface, IPv6Interface: ip_interface,
    }
    if tp in parsers:
        try:
            out = parsers[tp](str(value))
        except ValueError as exc:
            raise ScenarioError(f"{where}: {exc}") from None
        if not isinstance(out, tp):
            raise ScenarioError(f"{where}: {value!r} is not an {tp.__name__}")
        return out
    if tp is bool:
        if not isinstance(value, bool):
            raise ScenarioError(f"{where}: expected true or false, got {value!r}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ScenarioError(f"{where}: expected a whole number, got {value!r}")
        return value
    if tp is str:
        return str(value)
    raise ScenarioError(f"{where}: cannot set a value of type {tp}")


def _key_matches(item: Any, field: str | None, key: str) -> bool:
    ident = item if field is None else getattr(item, field)
    if isinstance(ident, str):
        return ident == key
    try:
        return bool(ident == (ip_network(key) if "/" in key else ip_address(key)))
    except ValueError:
        return False


def _set(obj: Any, segments: list[tuple[str, str | None]], edit: ConfigEdit) -> Any:
    name, key = segments[0]
    cls = type(obj)
    hints = _hints(cls)
    where = f"{edit.router}: {edit.path}"
    if name not in hints:
        raise ScenarioError(f"{where}: {cls.__name__} has no field {name!r} "
                            f"(fields: {', '.join(hints)})")
    current = getattr(obj, name)
    rest = segments[1:]
    if key is None:
        if not rest:
            if edit.remove:
                raise ScenarioError(f"{where}: 'remove' needs an element, e.g. {name}[KEY]")
            return dataclasses.replace(obj, **{name: _convert(hints[name], edit.value, where)})
        if current is None:
            raise ScenarioError(f"{where}: {name} is not configured on {edit.router}")
        return dataclasses.replace(obj, **{name: _set(current, rest, edit)})
    if not isinstance(current, tuple):
        raise ScenarioError(f"{where}: {name} is not a collection")
    field = _IDENTITY.get(name)
    hits = [i for i, item in enumerate(current) if _key_matches(item, field, key)]
    item_tp = typing.get_args(hints[name])[0]
    items = list(current)
    if not hits:
        if edit.remove or rest:
            raise ScenarioError(f"{where}: no {name} element {key!r} on {edit.router}")
        value = dict(edit.value or {})
        if field is not None:
            value.setdefault(field, key)
        items.append(_convert(item_tp, value if field else key, where))
    elif edit.remove and not rest:
        del items[hits[0]]
    elif not rest:
        value = dict(edit.value or {}) if isinstance(edit.value, Mapping) else edit.value
        if isinstance(value, dict) and field is not None:
            value.setdefault(field, key)
        items[hits[0]] = _convert(item_tp, value, where)
    else:
        items[hits[0]] = _set(items[hits[0]], rest, edit)
    return dataclasses.replace(obj, **{name: tuple(items)})


def apply_edit(cfg: DeviceConfig, edit: ConfigEdit) -> DeviceConfig:
    """``cfg`` with ``edit`` applied, normalized; ScenarioError names the bad path."""
    segments: list[tuple[str, str | None]] = []
    pos = 0
    while pos < len(edit.path):
        if segments:
            if edit.path[pos] != ".":
                raise ScenarioError(f"{edit.router}: bad path {edit.path!r} at "
                                    f"{edit.path[pos:]!r} (expected '.')")
            pos += 1
        m = _SEGMENT.match(edit.path, pos)
        if m is None:
            raise ScenarioError(f"{edit.router}: bad path {edit.path!r} at "
                                f"{edit.path[pos:]!r} (expected a field name)")
        segments.append((m.group(1), m.group(2)))
        pos = m.end()
    if not segments:
        raise ScenarioError(f"{edit.router}: empty path")
    new = _set(cfg, segments, edit)
    assert isinstance(new, DeviceConfig)
    return new.normalized()


def apply_edits(configs: Mapping[str, DeviceConfig], edits: list[ConfigEdit]
                ) -> dict[str, DeviceConfig]:
    """A copy of ``configs`` with ``edits`` applied in order (the others untouched)."""
    out = dict(configs)
    for edit in edits:
        if edit.router not in out:
            raise ScenarioError(f"edit names unknown router {edit.router!r}")
        out[edit.router] = apply_edit(out[edit.router], edit)
    return out


# -- the inverse: edits from a config diff -------------------------------------------------
def _key_of(item: Any, field: str | None) -> str:
    return str(item if field is None else getattr(item, field))


def _diff(before: Any, after: Any, path: str, out: list[tuple[str, Any, bool]]) -> None:
    """Append ``(path, value, remove)`` triples turning ``before`` into ``after``."""
    for f in dataclasses.fields(before):
        old, new = getattr(before, f.name), getattr(after, f.name)
        if old == new:
            continue
        here = f"{path}.{f.name}" if path else f.name
        if isinstance(old, tuple) and f.name in _IDENTITY:
            field = _IDENTITY[f.name]
            olds = {_key_of(i, field): i for i in old}
            news = {_key_of(i, field): i for i in new}
            kept = [k for k in olds if k in news]
            if [k for k in news if k in olds] != kept or len(olds) != len(old) or \
                    len(news) != len(new):
                out.append((here, plain(new), False))  # order or duplicates matter: replace
                continue
            for key, item in olds.items():
                if key not in news:
                    out.append((f"{here}[{key}]", None, True))
                elif item != news[key]:
                    if field is None or not dataclasses.is_dataclass(item):
                        out.append((f"{here}[{key}]", plain(news[key]), False))
                    else:
                        _diff(item, news[key], f"{here}[{key}]", out)
            for key, item in news.items():
                if key not in olds:
                    out.append((f"{here}[{key}]", None if field is None else plain(item), False))
        elif (dataclasses.is_dataclass(old) and dataclasses.is_dataclass(new)
              and type(old) is type(new)):
            _diff(old, new, here, out)
        else:
            out.append((here, plain(new), False))


def diff_config(before: DeviceConfig, after: DeviceConfig, *, verify: bool = True
                ) -> list[ConfigEdit]:
    """The edits that turn ``before`` into ``after`` (same router), smallest paths first.

    The inverse of :func:`apply_edit`: ``apply_edits({h: before}, diff) == {h: after}``
    (after normalizing). A collection whose order matters and changed (policy terms
    moved) is replaced whole. Raises ScenarioError when the configs are of two routers.
    ``verify=False`` skips re-applying the edits to prove the round trip (faster, for
    comparing where configs differ).
    """
    if before.hostname != after.hostname:
        raise ScenarioError(f"cannot diff the configs of {before.hostname} and "
                            f"{after.hostname}")
    triples: list[tuple[str, Any, bool]] = []
    _diff(before.normalized(), after.normalized(), "", triples)
    edits = [ConfigEdit(before.hostname, p, v, r) for p, v, r in triples]
    if not verify:
        return edits
    result = before.normalized()
    for edit in edits:
        result = apply_edit(result, edit)
    if result != after.normalized():
        # Should not happen; fall back to replacing every differing top-level field.
        edits = [ConfigEdit(before.hostname, f.name, plain(getattr(after, f.name)))
                 for f in dataclasses.fields(before)
                 if getattr(before, f.name) != getattr(after, f.name)]
    return edits


def diff_configs(before: Mapping[str, DeviceConfig], after: Mapping[str, DeviceConfig],
                 routers: typing.Iterable[str] | None = None, *, verify: bool = True
                 ) -> list[ConfigEdit]:
    """Edits turning every config in ``before`` into its version in ``after``.

    ``routers`` limits the diff to those routers (e.g. the ones an operator owns).
    """
    names = sorted(set(before) & set(after) if routers is None else routers)
    out: list[ConfigEdit] = []
    for name in names:
        old, new = before[name], after[name]
        if old is not new and old != new:
            out += diff_config(old, new, verify=verify)
    return out

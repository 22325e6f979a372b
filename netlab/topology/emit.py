"""Write a topology spec as compact, diff-friendly YAML: one item per line.

Sites, routers, links and demands are written as flow mappings, one per
line, so a 5,000-router file stays readable in a diff and every error in it
has a line of its own. Scalars are written plain when YAML reads them back as
the same string, and double-quoted (JSON escapes, valid YAML) otherwise.
Fields equal to their default are left out.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from typing import Any

import yaml

from netlab.topology.schema import TopologySpec

__all__ = ["spec_to_yaml"]

_PLAIN = re.compile(r"[^\W_][\w./ -]*")
_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"
_SECTIONS = ("sites", "routers", "external_networks", "links", "demands")


def _resolve(value: str) -> str:
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return tag


@lru_cache(maxsize=65536)
def _string(value: str) -> str:
    if (_PLAIN.fullmatch(value) and not value.endswith(" ") and "  " not in value
            and _resolve(value) == _STR_TAG):
        return value
    return json.dumps(value)


def _float(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = repr(value)
    if "." not in text and "e" in text:  # YAML 1.1 floats need a dot: 1e-05 -> 1.0e-05
        text = text.replace("e", ".0e", 1)
    return text


def _flow(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_string(str(k))}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} into a topology file")


def spec_to_yaml(spec: TopologySpec) -> str:
    """The topology file text of ``spec``; :func:`~netlab.topology.schema.load_spec` reads it."""
    data = spec.model_dump(mode="json", exclude_defaults=True)
    out = [f"name: {_flow(spec.name)}", f"backbone: {_flow(spec.backbone.value)}"]
    for key, value in data.items():
        if key in ("name", "backbone") or key in _SECTIONS:
            continue
        out.append(f"{key}: {_flow(value)}")
    for key in _SECTIONS:
        items = data.get(key)
        if not items:
            continue
        out.append(f"{key}:")
        out.extend(f"- {_flow(item)}" for item in items)
    return "\n".join(out) + "\n"

"""Read YAML files a person wrote, keeping line numbers for every value.

PyYAML's composer knows where every node starts; we build plain Python data
from the node tree and remember the line of each path (a tuple of keys and
list indexes). Pydantic's error locations are such paths, so a validation
error becomes ``file:line: what was expected``. Duplicate keys, which PyYAML
would silently collapse, are errors here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from netlab.errors import NetlabError

__all__ = ["LineMap", "dump_yaml", "load_model", "load_model_lines", "load_yaml", "read_text"]

Path_ = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


class LineMap:
    """Maps a data path (keys and indexes) to the 1-based line it was written on."""

    def __init__(self) -> None:
        self._lines: dict[Path_, int] = {}

    def add(self, path: Path_, line: int) -> None:
        self._lines[path] = line

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """Line of ``path``, or of its nearest written ancestor."""
        p = tuple(path)
        while True:
            if p in self._lines:
                return self._lines[p]
            if not p:
                return None
            p = p[:-1]


def _construct(node: yaml.Node, path: Path_, lines: LineMap, file: str) -> Any:
    lines.add(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            # A key is read without recording its line under ``path``: that would
            # overwrite the mapping's own line with the line of its last key.
            key = _scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise NetlabError(
                    "mapping keys must be plain scalars", path=file,
                    line=key_node.start_mark.line + 1,
                )
            if key in out:
                raise NetlabError(
                    f"duplicate key {key!r}", path=file, line=key_node.start_mark.line + 1
                )
            # Record the key's own line; the value's line is recorded by recursion.
            sub = (*path, key) if isinstance(key, (str, int)) else (*path, str(key))
            out[key] = _construct(value_node, sub, lines, file)
            lines.add(sub, key_node.start_mark.line + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(v, (*path, i), lines, file) for i, v in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    return _scalar(node)


_RESOLVER = yaml.SafeLoader("")


def _scalar(node: yaml.ScalarNode) -> Any:
    return _RESOLVER.construct_object(node, deep=True)


def read_text(path: Path, *, error: type[NetlabError] = NetlabError) -> str:
    """The text of a file a person wrote; a file that cannot be read is one clear error.

    A missing file, a directory, a file without read permission and bytes
    that are not UTF-8 (with the line and column of the first bad byte) are
    each reported as ``error`` naming the file, never as Python's own message.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise error("file not found", path=path) from None
    except IsADirectoryError:
        raise error("is a directory, expected a file", path=path) from None
    except PermissionError:
        raise error("cannot read the file: permission denied", path=path) from None
    except OSError as exc:
        raise error(f"cannot read the file: {exc.strerror or exc}", path=path) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise error(f"not UTF-8 text: byte 0x{data[exc.start]:02x} at column {column} "
                    "(save the file as UTF-8)", path=path, line=line) from None


def load_yaml(text_or_path: str | Path, *, name: str | None = None) -> tuple[Any, LineMap]:
    """Load YAML from a path (or text with ``name``) and return data plus its line map."""
    if isinstance(text_or_path, Path):
        file = str(text_or_path)
        text = read_text(text_or_path)
    else:
        file = name or "<string>"
        text = text_or_path
    lines = LineMap()
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise NetlabError(
            f"invalid YAML: {problem}", path=file, line=mark.line + 1 if mark else None
        ) from None
    except yaml.YAMLError as exc:
        raise NetlabError(f"invalid YAML: {exc}", path=file) from None
    if node is None:
        return None, lines
    try:
        data = _construct(node, (), lines, file)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        raise NetlabError(
            f"invalid YAML value: {exc.problem}", path=file,
            line=mark.line + 1 if mark else None,
        ) from None
    return data, lines


def _data_path(data: Any, loc: Sequence[Any]) -> list[str | int]:
    """The parts of a pydantic error location that are keys and indexes of ``data``.

    Pydantic puts validator names into locations of union fields
    (``prefixes[0].lax-or-strict[...]``); they are no place in the file.
    """
    out: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        in_dict = isinstance(node, dict) and isinstance(part, (str, int)) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and i == len(loc) - 1:
            pass  # a missing key: the error names it
        else:
            continue
        out.append(part)
    return out


def _describe(err: Any) -> str:
    loc = ""
    for p in err["loc"]:
        if isinstance(p, int):
            loc += f"[{p}]"
        elif isinstance(p, str):
            loc += f".{p}" if loc else p
    loc = loc or "document"
    msg = str(err["msg"])
    if err["type"] == "extra_forbidden":
        return f"unknown key {err['loc'][-1]!r}"
    if err["type"] == "missing":
        return f"missing required key {err['loc'][-1]!r}"
    return f"{loc}: {msg}"


def load_model(model: type[M], source: str | Path, *, name: str | None = None,
               error: type[NetlabError] = NetlabError) -> M:
    """Load a YAML file and validate it as ``model``; errors name file and line."""
    return load_model_lines(model, source, name=name, error=error)[0]


def load_model_lines(model: type[M], source: str | Path, *, name: str | None = None,
                     error: type[NetlabError] = NetlabError) -> tuple[M, LineMap]:
    """Like :func:`load_model`, also returning the line map for semantic checks."""
    try:
        data, lines = load_yaml(source, name=name)
    except NetlabError as exc:
        raise error(exc.message, path=exc.path, line=exc.line) from None
    file = str(source) if isinstance(source, Path) else (name or "<string>")
    if data is None:
        raise error(f"empty file, expected a {model.__name__} mapping", path=file, line=1)
    try:
        return model.model_validate(data), lines
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = _data_path(data, first["loc"])
        first = {**first, "loc": tuple(loc)}
        # pydantic adds union/tag names to locations; walk back to a real path.
        line = lines.line_of(loc)
        more = len(exc.errors()) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise error(_describe(first) + suffix, path=file, line=line) from None


def dump_yaml(data: Any) -> str:
    """Dump plain data as block-style YAML with keys in the given order."""
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=None, width=100)

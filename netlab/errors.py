"""The one error tree of netlab.

Every error netlab raises on purpose derives from :class:`NetlabError`, so the
CLI can turn any of them into a one-line message and exit code 2::

    NetlabError                 anything netlab reports to a person
     ├── TopologyError          a topology file or generated network is inconsistent
     ├── RenderError            a config could not be rendered (template or intent problem)
     ├── ParseError             a device config could not be read back
     ├── SnapshotError          a snapshot directory is missing parts or malformed
     ├── FaultError             a fault type or its parameters are wrong
     ├── ScenarioError          a scenario file, workspace or answer is wrong
     ├── EngineError            an analysis engine cannot answer (service absent, bad question)
     └── LabError               the live lab (namespaces, FRR) failed
          └── ConvergenceTimeout  a bounded wait ran out; carries the last difference seen

Errors that come from a file a person wrote carry ``path`` and ``line`` so the
message reads ``file:line: what was expected``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "ConvergenceTimeout",
    "EngineError",
    "FaultError",
    "LabError",
    "NetlabError",
    "ParseError",
    "RenderError",
    "ScenarioError",
    "SnapshotError",
    "TopologyError",
]


class NetlabError(Exception):
    """Base of every error netlab reports; renders as ``file:line: message``."""

    def __init__(
        self, message: str, *, path: str | Path | None = None, line: int | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


class TopologyError(NetlabError):
    """A topology file or a generated network is malformed or inconsistent."""


class RenderError(NetlabError):
    """A device config could not be rendered."""


class ParseError(NetlabError):
    """A device config could not be parsed (a syntax error, not an unknown line)."""


class SnapshotError(NetlabError):
    """A snapshot directory is missing files or holds malformed metadata."""


class FaultError(NetlabError):
    """An unknown fault type, or parameters that do not fit the network."""


class ScenarioError(NetlabError):
    """A scenario file, drill workspace or trainee answer is wrong."""


class EngineError(NetlabError):
    """An analysis engine cannot answer a question."""


class LabError(NetlabError):
    """The live lab (network namespaces, FRR daemons) failed."""


class ConvergenceTimeout(LabError):
    """A bounded wait ran out before the expected state was reached."""

    def __init__(self, message: str, *, last_diff: str = "") -> None:
        super().__init__(message)
        self.last_diff = last_diff

    def __str__(self) -> str:
        if not self.last_diff:
            return self.message
        return f"{self.message} (last difference: {self.last_diff})"

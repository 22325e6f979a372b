"""Editing a router's config in the trainee's editor, never losing what they wrote.

Each router's text lives in ``<session dir>/configs/<router>.cfg``: the faulted
running config (rendered in the router's vendor syntax) until the trainee
saves a change, then the text they saved. ``edit ROUTER`` opens that file in
``$EDITOR`` (``vi`` when unset). On save the text is parsed as the router's
vendor: a syntax error is reported as ``file:line: what`` and the text stays
in the file as a *draft* — the next ``edit`` reopens it, error and all, so
nothing typed is lost; a config that parses becomes the router's running
config. Lines a parser does not understand are kept and reported as warnings
(as a router would warn), never silently dropped.
"""

from __future__ import annotations

import difflib
import os
import shlex
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from netlab.errors import NetlabError, ParseError, ScenarioError
from netlab.model.device import DeviceConfig
from netlab.parse import parse_config
from netlab.render import render_config

__all__ = ["ConfigTexts", "EditOutcome", "EditStatus", "Editor", "run_editor"]

Editor = Callable[[Path], None]
"""Opens a file for the trainee to edit and returns when they are done."""


def run_editor(path: Path) -> None:
    """Open ``path`` in ``$EDITOR`` (default ``vi``) on this terminal and wait."""
    command = os.environ.get("EDITOR", "").strip() or "vi"
    try:
        argv = [*shlex.split(command), str(path)]
        code = subprocess.run(argv, check=False).returncode
    except (OSError, ValueError) as exc:
        raise ScenarioError(f"cannot start the editor {command!r} ({exc}); set EDITOR to "
                            "one that works (your text is kept)", path=path) from None
    if code != 0:
        raise ScenarioError(f"the editor {command!r} exited with status {code}; nothing was "
                            "applied (your text is kept)", path=path)


class EditStatus(StrEnum):
    """What came of saving a config: applied, no change, or rejected (kept as a draft)."""

    APPLIED = "applied"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class EditOutcome:
    """What came of one ``edit``: the new running config when it was applied."""

    router: str
    status: EditStatus
    message: str
    config: DeviceConfig | None = None
    warnings: tuple[str, ...] = ()


class ConfigTexts:
    """Every router's config text as the trainee last saved it (see the module docstring)."""

    def __init__(self, folder: Path, faulted: Mapping[str, DeviceConfig]) -> None:
        self.folder = folder
        self._faulted = faulted
        self._original: dict[str, str] = {}
        self._accepted: dict[str, str] = {}
        self._drafts: dict[str, str] = {}

    def original(self, router: str) -> str:
        """The faulted running config's text (rendered once)."""
        if router not in self._original:
            self._original[router] = render_config(self._faulted[router])
        return self._original[router]

    def text(self, router: str) -> str:
        """The running config's text: the trainee's last applied text, else the faulted one."""
        return self._accepted.get(router) or self.original(router)

    def path(self, router: str) -> Path:
        return self.folder / f"{router}.cfg"

    @property
    def drafts(self) -> list[str]:
        """Routers whose last saved text did not parse (kept for the next edit)."""
        return sorted(self._drafts)

    @property
    def edited(self) -> list[str]:
        """Routers whose running config the trainee changed."""
        return sorted(r for r, t in self._accepted.items() if t != self.original(r))

    def edit(self, router: str, editor: Editor) -> EditOutcome:
        """Let the trainee edit ``router``'s config (see the module docstring)."""
        path = self.path(router)
        start = self._drafts.get(router, self.text(router))
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != start:
            path.write_text(start, encoding="utf-8")
        try:
            editor(path)
            new = path.read_text(encoding="utf-8")
        except (NetlabError, OSError, UnicodeDecodeError) as exc:
            self._keep(router, path)
            return EditOutcome(router, EditStatus.REJECTED, str(exc))
        if new == self.text(router):
            self._drafts.pop(router, None)
            return EditOutcome(router, EditStatus.UNCHANGED,
                               f"{router}: no change (the running config is unchanged)")
        vendor = self._faulted[router].vendor
        try:
            result = parse_config(new, str(path), vendor)
            if result.config.hostname != router:
                raise ParseError(f"hostname {result.config.hostname!r} is not {router!r}: this "
                                 f"file is {router}'s config", path=path, line=_line_of(
                                     new, result.config.hostname))
        except ParseError as exc:
            self._drafts[router] = new
            return EditOutcome(router, EditStatus.REJECTED,
                               f"{exc}\nNothing was applied; your text is kept: 'edit {router}' "
                               "reopens it.")
        self._drafts.pop(router, None)
        self._accepted[router] = new
        warnings = tuple(str(w) for w in result.warnings)
        return EditOutcome(router, EditStatus.APPLIED, f"{router}: configuration applied",
                           result.config, warnings)

    def _keep(self, router: str, path: Path) -> None:
        """Keep whatever the file holds as a draft when it differs from the running text."""
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return
        if text != self.text(router):
            self._drafts[router] = text

    def diff(self, router: str) -> str:
        """The unified diff of ``router``'s running text against the faulted one."""
        lines = difflib.unified_diff(
            self.original(router).splitlines(keepends=True),
            self.text(router).splitlines(keepends=True),
            fromfile=f"faulted/{router}.cfg", tofile=f"running/{router}.cfg")
        return "".join(lines)


def _line_of(text: str, name: str) -> int | None:
    """The line setting the hostname (``hostname X`` or Junos's ``host-name X;``)."""
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.replace(";", " ").split()
        if len(words) >= 2 and words[0] in ("hostname", "host-name") and words[1] == name:
            return number
    return None

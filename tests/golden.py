"""Golden-file comparison shared by every test that checks rendered text.

``check_golden("junos/backbone.cfg", text)`` compares ``text`` with
``tests/golden/junos/backbone.cfg``. Run the tests with
``NETLAB_REGEN_GOLDEN=1`` to rewrite the golden files, then review the diff.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

GOLDEN_DIR = Path(__file__).parent / "golden"

__all__ = ["GOLDEN_DIR", "check_golden", "regenerating"]


def regenerating() -> bool:
    return os.environ.get("NETLAB_REGEN_GOLDEN") == "1"


def check_golden(name: str, text: str) -> None:
    """Assert ``text`` equals the golden file ``name`` (or rewrite it when regenerating)."""
    path = GOLDEN_DIR / name
    if regenerating():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"golden file {path} is missing; run with NETLAB_REGEN_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(difflib.unified_diff(
            expected.splitlines(keepends=True), text.splitlines(keepends=True),
            fromfile=f"golden/{name}", tofile="rendered", n=2))
        raise AssertionError(f"{name} differs from its golden file "
                             f"(NETLAB_REGEN_GOLDEN=1 rewrites it):\n{diff[:4000]}")

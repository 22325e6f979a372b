"""Developer tasks: ``python -m netlab.devtools regen`` rewrites the golden configs.

``configs/<topology>/<host>.cfg`` holds the rendered config of every router of
every shipped topology (``topologies/*.yaml``), in its modelled vendor. A test
(``tests/test_intent_golden.py``) renders them again and fails on any byte of
difference, so a change to intent or a template shows up in review as a diff
of real configs. After such a change, run ``regen`` and review ``git diff configs/``.
``check`` reports stale files without writing (exit 1 when stale).
"""

from __future__ import annotations

import argparse
import difflib
from collections.abc import Sequence
from pathlib import Path

from netlab.model.network import Network
from netlab.render import render_config
from netlab.render.intent import device_configs

__all__ = [
    "GOLDEN_DIR",
    "TOPOLOGY_DIR",
    "expected_goldens",
    "main",
    "regen",
    "shipped_topologies",
    "stale_goldens",
]

ROOT = Path(__file__).resolve().parent.parent
TOPOLOGY_DIR = ROOT / "topologies"
GOLDEN_DIR = ROOT / "configs"


def shipped_topologies() -> list[Path]:
    """The shipped topology files of this checkout, sorted by name."""
    from netlab.topology.files import list_topologies

    return [p for p in list_topologies().values() if p.parent == TOPOLOGY_DIR]


def _load(path: Path) -> Network:
    from netlab.topology.files import load_network

    return load_network(path)


def expected_goldens(topology: Path) -> dict[str, str]:
    """``<host>.cfg`` → rendered text for one topology file."""
    configs = device_configs(_load(topology))
    return {f"{host}.cfg": render_config(cfg) for host, cfg in configs.items()}


def stale_goldens(topologies: Sequence[Path] | None = None, golden_dir: Path = GOLDEN_DIR
                  ) -> list[str]:
    """One message (with a diff) per golden file that is missing, different or extra."""
    problems = []
    for topo in topologies if topologies is not None else shipped_topologies():
        out = golden_dir / topo.stem
        expected = expected_goldens(topo)
        for name, text in expected.items():
            path = out / name
            if not path.is_file():
                problems.append(f"{path}: missing")
                continue
            have = path.read_text(encoding="utf-8")
            if have != text:
                diff = "".join(difflib.unified_diff(
                    have.splitlines(keepends=True), text.splitlines(keepends=True),
                    f"golden/{topo.stem}/{name}", "rendered", n=2))
                problems.append(f"{path}: differs from the rendered config\n{diff[:3000]}")
        problems += [f"{extra}: no such router any more"
                     for extra in sorted(out.glob("*.cfg")) if extra.name not in expected]
    return problems


def regen(topologies: Sequence[Path] | None = None, golden_dir: Path = GOLDEN_DIR) -> int:
    """Rewrite every golden config; return how many files changed (written or removed)."""
    changed = 0
    for topo in topologies if topologies is not None else shipped_topologies():
        out = golden_dir / topo.stem
        out.mkdir(parents=True, exist_ok=True)
        expected = expected_goldens(topo)
        for name, text in expected.items():
            path = out / name
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
                changed += 1
        for extra in out.glob("*.cfg"):
            if extra.name not in expected:
                extra.unlink()
                changed += 1
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m netlab.devtools", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="task", required=True)
    sub.add_parser("regen", help="rewrite configs/<topology>/<host>.cfg")
    sub.add_parser("check", help="report golden configs that are stale (exit 1)")
    args = parser.parse_args(argv)
    if args.task == "regen":
        changed = regen()
        print(f"{changed} golden config file(s) changed under {GOLDEN_DIR}")
        return 0
    problems = stale_goldens()
    for p in problems:
        print(p)
    print(f"{len(problems)} stale golden config file(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Dry-run FRR config text with FRR's own checker, ``vtysh --dryrun``.

``vtysh -C -f FILE`` parses every line against vtysh's command tree without
talking to any daemon, so it needs neither root nor running routers. It reads
``vtysh.conf`` from its config directory first; :func:`dry_run` points
``--config_dir`` at an empty one so the host's ``/etc/frr`` does not matter.
The check is syntactic: it catches unknown commands and malformed values, not
semantic rules the daemons apply at commit (e.g. a wide metric under
``metric-style narrow``).

The live lab dry-runs every config before it boots a router, and the FRR tests
dry-run rendered configs.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from netlab.errors import RenderError

__all__ = ["dry_run", "vtysh_path"]

_TIMEOUT_S = 60


def vtysh_path() -> str | None:
    """Where ``vtysh`` is, or None when FRR is not installed."""
    return shutil.which("vtysh")


def dry_run(text: str) -> list[str]:
    """Errors vtysh reports for ``text`` (``line N: % ...``); an empty list means clean.

    Raises RenderError when vtysh is absent or does not finish in time.
    """
    vtysh = vtysh_path()
    if vtysh is None:
        raise RenderError("cannot dry-run FRR configs: vtysh is not installed "
                          "(apt-get install frr)")
    with tempfile.TemporaryDirectory(prefix="netlab-vtysh-") as tmp:
        conf_dir = Path(tmp)
        (conf_dir / "vtysh.conf").write_text("", encoding="utf-8")
        config = conf_dir / "frr.conf"
        config.write_text(text, encoding="utf-8")
        try:
            proc = subprocess.run(
                [vtysh, "--dryrun", "--config_dir", str(conf_dir), "--inputfile", str(config)],
                capture_output=True, text=True, timeout=_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise RenderError(f"vtysh --dryrun did not finish within {_TIMEOUT_S} s") from None
        except OSError as exc:
            raise RenderError(f"cannot run vtysh: {exc}") from None
    errors = [line.strip() for line in (proc.stderr + proc.stdout).splitlines() if line.strip()]
    if proc.returncode != 0 and not errors:
        errors = [f"vtysh --dryrun exited with status {proc.returncode}"]
    return errors

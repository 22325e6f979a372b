"""Test tiers: ``live`` needs root + FRR, ``batfish`` needs BATFISH_HOST."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

FRR_DAEMONS = Path("/usr/lib/frr")


def _live_skip_reason() -> str | None:
    if os.geteuid() != 0:
        return "live tests need root (network namespaces); run as root"
    if shutil.which("vtysh") is None or not (FRR_DAEMONS / "zebra").exists():
        return "live tests need FRR: apt-get install frr"
    if shutil.which("ip") is None:
        return "live tests need iproute2: apt-get install iproute2"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    live_reason = _live_skip_reason()
    batfish_reason = None if os.environ.get("BATFISH_HOST") else (
        "batfish tests need a Batfish service: set BATFISH_HOST "
        "(e.g. docker run -p 9996:9996 batfish/batfish)")
    for item in items:
        if live_reason and "live" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=live_reason))
        if batfish_reason and "batfish" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=batfish_reason))


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test's attempt history and debriefs out of the user's data directory
    (``netlab scenario grade`` and ``run`` record attempts there)."""
    monkeypatch.setenv("NETLAB_DATA_DIR", str(tmp_path_factory.mktemp("netlab-data")))

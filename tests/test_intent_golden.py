"""The golden configs in configs/<topology>/ are what the shipped topologies render to.

A change to intent, a template or a topology shows up as a failing test with
the diff; ``python -m netlab.devtools regen`` rewrites them for review.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from netlab import devtools
from netlab.model.types import Vendor
from netlab.render.intent import device_configs
from netlab.topology.files import load_network

SHIPPED = devtools.shipped_topologies()


@pytest.mark.parametrize("topology", SHIPPED, ids=lambda p: p.stem)
def test_golden_configs_are_current(topology: Path) -> None:
    problems = devtools.stale_goldens([topology])
    assert not problems, ("golden configs are stale; run `python -m netlab.devtools regen` "
                          "and review `git diff configs/`:\n" + "\n".join(problems)[:6000])


@pytest.mark.parametrize("topology", SHIPPED, ids=lambda p: p.stem)
def test_goldens_are_in_the_modelled_vendors(topology: Path) -> None:
    network = load_network(topology)
    files = sorted((devtools.GOLDEN_DIR / topology.stem).glob("*.cfg"))
    assert [f.stem for f in files] == sorted(network.routers)
    configs = device_configs(network)
    headers = {Vendor.JUNOS: "!RANCID-CONTENT-TYPE: juniper", Vendor.IOSXR:
               "!RANCID-CONTENT-TYPE: cisco-xr", Vendor.EOS: "!RANCID-CONTENT-TYPE: arista",
               Vendor.FRR: "frr version"}
    for f in files:
        assert f.read_text(encoding="utf-8").startswith(headers[configs[f.stem].vendor])


def test_regen_writes_then_check_is_clean(tmp_path: Path) -> None:
    topo = SHIPPED[0] if SHIPPED else pytest.skip("no shipped topologies")
    assert devtools.regen([topo], tmp_path) == len(load_network(topo).routers)
    (tmp_path / topo.stem / "ghost.cfg").write_text("stale\n")
    first = sorted((tmp_path / topo.stem).glob("*.cfg"))[0]
    first.write_text(first.read_text() + "! drift\n")
    problems = devtools.stale_goldens([topo], tmp_path)
    assert any("ghost.cfg: no such router" in p for p in problems)
    assert any(f"{first}: differs" in p and "-! drift" in p for p in problems)
    assert devtools.regen([topo], tmp_path) == 2
    assert devtools.stale_goldens([topo], tmp_path) == []

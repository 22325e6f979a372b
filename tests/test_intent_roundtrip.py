"""Rendered intent reads back exactly: parse(render(cfg)) == cfg, for every vendor.

Every shipped topology (and the two hand-written test networks) is rendered
in every vendor (the vendor override) and in its modelled vendors; each
config must parse back equal and without a single warning. All-FRR renders,
as the live lab uses them, must pass FRR's own dry-run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_intent import SHIPPED, TINY, tiny_network
from test_snapshot import need_parsers

from netlab.model.network import Network
from netlab.model.types import Vendor
from netlab.parse import parse_config
from netlab.render import render_config
from netlab.render.frr_check import dry_run, vtysh_path
from netlab.render.intent import device_configs
from netlab.topology.files import load_network

NETWORKS = [*TINY, *SHIPPED]


def _network(name: str, tmp: Path) -> Network:
    return tiny_network(name, tmp) if name in TINY else load_network(name)


@pytest.mark.parametrize("vendor", [None, *Vendor], ids=lambda v: v.value if v else "modelled")
@pytest.mark.parametrize("name", NETWORKS)
def test_parse_of_render_is_the_intent(name: str, vendor: Vendor | None, tmp_path: Path) -> None:
    configs = device_configs(_network(name, tmp_path), vendor)
    need_parsers({c.vendor for c in configs.values()})
    for host, cfg in configs.items():
        text = render_config(cfg)
        result = parse_config(text, f"{host}.cfg")
        assert not result.warnings, "\n".join(map(str, result.warnings))
        assert result.config == cfg, f"{host} ({cfg.vendor.value}) does not read back equal"


@pytest.mark.skipif(vtysh_path() is None, reason="FRR dry-run needs vtysh: apt-get install frr")
@pytest.mark.parametrize("name", NETWORKS)
def test_all_frr_override_passes_frr_dry_run(name: str, tmp_path: Path) -> None:
    configs = device_configs(_network(name, tmp_path), Vendor.FRR)
    for host, cfg in configs.items():
        errors = dry_run(render_config(cfg))
        assert not errors, f"{host}: {errors[:5]}"

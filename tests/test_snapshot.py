"""Snapshot writer and reader: round trip, layer 1, refusals and clear errors."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterable
from pathlib import Path

import pytest
from test_intent import tiny_network

from netlab.errors import ParseError, SnapshotError
from netlab.model.network import FailureState, Network
from netlab.model.types import Vendor
from netlab.render import render_config
from netlab.render.intent import device_configs
from netlab.snapshot import (
    CONFIGS_DIR,
    LAYER1_FILE,
    NETWORK_FILE,
    STATE_FILE,
    Layer1Edge,
    is_snapshot,
    layer1_edges,
    read_layer1,
    read_snapshot,
    write_snapshot,
)


def need_parsers(vendors: Iterable[Vendor]) -> None:
    """Skip when a vendor's renderer or parser has not landed yet."""
    for v in vendors:
        for kind in ("render", "parse"):
            if importlib.util.find_spec(f"netlab.{kind}.{v.value}") is None:
                pytest.skip(f"netlab.{kind}.{v.value} is not available")


def _snapshot(tmp_path: Path, name: str = "tiny-classic", vendor: Vendor | None = Vendor.FRR
              ) -> tuple[Network, Path]:
    net = tiny_network(name, tmp_path)
    configs = device_configs(net, vendor)
    need_parsers({c.vendor for c in configs.values()})
    path = write_snapshot(net, configs, tmp_path / "snap", vendor=vendor,
                          faults=[{"type": "link-down", "params": {"link": "x"}}])
    return net, path


@pytest.mark.parametrize("vendor", [None, *Vendor])
@pytest.mark.parametrize("name", ["tiny-classic", "tiny-express"])
def test_round_trip_gives_back_network_failures_and_configs(
        tmp_path: Path, name: str, vendor: Vendor | None) -> None:
    net = tiny_network(name, tmp_path)
    configs = device_configs(net, vendor)
    need_parsers({c.vendor for c in configs.values()})
    link = sorted(net.links)[0]
    router = sorted(net.routers)[-1]
    failures = FailureState(links_down=frozenset({link}), nodes_down=frozenset({router}))
    path = write_snapshot(net, configs, tmp_path / "snap", failures=failures, vendor=vendor)
    snap = read_snapshot(path)
    assert snap.network == net
    assert snap.failures == failures
    assert snap.configs == configs
    assert all(not w for w in snap.warnings.values())
    assert snap.layer1 == layer1_edges(net, configs, failures)
    assert json.loads((path / STATE_FILE).read_text())["vendor_override"] == (
        vendor.value if vendor else None)


def test_layer1_lists_only_links_that_are_up(tmp_path: Path) -> None:
    net = tiny_network("tiny-classic", tmp_path)
    configs = device_configs(net, Vendor.FRR)
    everything = layer1_edges(net, configs)
    assert len(everything) == len(net.links)
    link = net.links["bb1-ams--bb1-fra"]
    pr_link = net.links["pr1-fra--bb1-fra"]
    # interfaces_down names the port as the config (FRR here) does, not the model
    itf = next(i.name for i in configs["pr1-fra"].interfaces
               if i.description.endswith(f"[{pr_link.id}]"))
    failures = FailureState(links_down=frozenset({link.id}), nodes_down=frozenset({"dr1-odn"}),
                            interfaces_down=frozenset({("pr1-fra", itf)}))
    up = layer1_edges(net, configs, failures)
    gone = {lid for lid in net.links if all(
        {e.node1, e.node2} != {net.links[lid].a.router, net.links[lid].b.router} for e in up)}
    assert gone == {link.id, pr_link.id, "dr1-odn--bb1-odn"}
    for e in up:
        assert (e.node1, e.interface1) < (e.node2, e.interface2)


def test_layer1_file_is_batfish_format_in_both_directions(tmp_path: Path) -> None:
    _, path = _snapshot(tmp_path)
    data = json.loads((path / LAYER1_FILE).read_text())
    edges = data["edges"]
    assert set(edges[0]) == {"node1", "node2"}
    assert set(edges[0]["node1"]) == {"hostname", "interfaceName"}
    pairs = {(e["node1"]["hostname"], e["node1"]["interfaceName"],
              e["node2"]["hostname"], e["node2"]["interfaceName"]) for e in edges}
    assert all((b, bi, a, ai) in pairs for a, ai, b, bi in pairs)
    assert len(read_layer1(path / LAYER1_FILE)) == len(edges) // 2


def test_configs_are_rendered_or_taken_verbatim(tmp_path: Path) -> None:
    net = tiny_network("tiny-classic", tmp_path)
    configs = device_configs(net, Vendor.FRR)
    need_parsers([Vendor.FRR])
    edited = render_config(configs["bb1-fra"]).replace("description to", "description TO")
    path = write_snapshot(net, configs, tmp_path / "s", texts={"bb1-fra": edited})
    assert (path / CONFIGS_DIR / "bb1-fra.cfg").read_text() == edited
    assert (path / CONFIGS_DIR / "bb1-ams.cfg").read_text() == render_config(configs["bb1-ams"])
    assert read_snapshot(path).configs["bb1-fra"] != configs["bb1-fra"]


def test_refuses_to_overwrite_a_snapshot_without_overwrite(tmp_path: Path) -> None:
    net, path = _snapshot(tmp_path)
    configs = device_configs(net, Vendor.FRR)
    cfg = path / CONFIGS_DIR / "bb1-ams.cfg"
    cfg.write_text(cfg.read_text() + "! edited by hand\n")
    with pytest.raises(SnapshotError, match="already holds a snapshot"):
        write_snapshot(net, configs, path)
    assert cfg.read_text().endswith("! edited by hand\n")
    notes = path / "notes.txt"
    notes.write_text("mine")
    write_snapshot(net, configs, path, overwrite=True)
    assert not cfg.read_text().endswith("! edited by hand\n")
    assert notes.read_text() == "mine"


def test_refuses_a_directory_that_is_not_a_snapshot(tmp_path: Path) -> None:
    net = tiny_network("tiny-classic", tmp_path)
    configs = device_configs(net, Vendor.FRR)
    target = tmp_path / "home"
    target.mkdir()
    (target / "thesis.tex").write_text("precious")
    for overwrite in (False, True):
        with pytest.raises(SnapshotError, match="not a netlab snapshot"):
            write_snapshot(net, configs, target, overwrite=overwrite)
    assert (target / "thesis.tex").read_text() == "precious"
    assert not is_snapshot(target)
    (tmp_path / "empty").mkdir()
    assert is_snapshot(write_snapshot(net, configs, tmp_path / "empty"))


def test_configs_must_cover_exactly_the_routers(tmp_path: Path) -> None:
    net = tiny_network("tiny-classic", tmp_path)
    configs = device_configs(net, Vendor.FRR)
    partial = {h: c for h, c in configs.items() if h != "bb1-ams"}
    with pytest.raises(SnapshotError, match="no config for router"):
        write_snapshot(net, partial, tmp_path / "a")
    with pytest.raises(SnapshotError, match="unknown router"):
        write_snapshot(net, configs, tmp_path / "b", texts={"ghost": "hostname ghost\n"})
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_malformed_json_names_file_and_line(tmp_path: Path) -> None:
    _, path = _snapshot(tmp_path)
    (path / STATE_FILE).write_text('{\n  "failures": {\n    "links_down": [,]\n  }\n}\n')
    with pytest.raises(SnapshotError) as err:
        read_snapshot(path)
    assert str(err.value).startswith(f"{path / STATE_FILE}:3: invalid JSON")


@pytest.mark.parametrize(("part", "content", "message"), [
    (LAYER1_FILE, '{"edges": [{"node1": {"hostname": "a"}}]}', "edge 0: node1 needs"),
    (LAYER1_FILE, "[]", "'edges' list"),
    (STATE_FILE, '{"failures": {"links_down": "l1"}}', "links_down must be a list"),
    (STATE_FILE, '{"faults": {}}', "'faults' must be a list"),
])
def test_malformed_parts_are_named(tmp_path: Path, part: str, content: str, message: str
                                   ) -> None:
    _, path = _snapshot(tmp_path)
    (path / part).write_text(content)
    with pytest.raises(SnapshotError, match=message):
        read_snapshot(path)


@pytest.mark.parametrize("part", [LAYER1_FILE, STATE_FILE, NETWORK_FILE, CONFIGS_DIR])
def test_missing_parts_are_named(tmp_path: Path, part: str) -> None:
    import shutil

    _, path = _snapshot(tmp_path)
    target = path / part
    if target.is_dir():
        shutil.rmtree(target)
    else:
        target.unlink()
    with pytest.raises(SnapshotError, match="missing") as err:
        read_snapshot(path)
    assert str(target) in str(err.value)


def test_not_a_directory(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="not a directory"):
        read_snapshot(tmp_path / "nowhere")


def test_config_of_an_unknown_router_is_refused(tmp_path: Path) -> None:
    _, path = _snapshot(tmp_path)
    cfg = path / CONFIGS_DIR / "bb1-ams.cfg"
    cfg.write_text(cfg.read_text().replace("hostname bb1-ams", "hostname bb9-ams"))
    with pytest.raises(SnapshotError, match="'bb9-ams' is not a router of tiny-classic") as err:
        read_snapshot(path)
    assert str(err.value).startswith(str(cfg))


def test_duplicate_and_missing_configs_are_refused(tmp_path: Path) -> None:
    _, path = _snapshot(tmp_path)
    cfg = path / CONFIGS_DIR / "bb1-ams.cfg"
    (path / CONFIGS_DIR / "copy.cfg").write_text(cfg.read_text())
    with pytest.raises(SnapshotError, match="also configured in"):
        read_snapshot(path)
    (path / CONFIGS_DIR / "copy.cfg").unlink()
    cfg.unlink()
    with pytest.raises(SnapshotError, match=r"no config for router.*bb1-ams"):
        read_snapshot(path)


def test_a_config_syntax_error_keeps_the_parsers_file_and_line(tmp_path: Path) -> None:
    _, path = _snapshot(tmp_path)
    cfg = path / CONFIGS_DIR / "bb1-ams.cfg"
    cfg.write_text("this is not a router config\n")
    with pytest.raises(ParseError) as err:
        read_snapshot(path)
    assert str(err.value).startswith(str(cfg))


def test_layer1_edge_order_is_direction_free(tmp_path: Path) -> None:
    f = tmp_path / "l1.json"
    one = {"hostname": "b", "interfaceName": "eth0-0"}
    two = {"hostname": "a", "interfaceName": "eth0-1"}
    f.write_text(json.dumps({"edges": [{"node1": one, "node2": two}]}))
    assert read_layer1(f) == (Layer1Edge("a", "eth0-1", "b", "eth0-0"),)


@pytest.mark.parametrize("module", ["netlab.snapshot", "netlab.snapshot.writer",
                                    "netlab.snapshot.reader", "netlab.render.intent",
                                    "netlab.cli.render", "netlab.devtools"])
def test_public_api_is_pinned(module: str) -> None:
    import importlib

    mod = importlib.import_module(module)
    assert len(set(mod.__all__)) == len(mod.__all__)
    for name in mod.__all__:
        assert hasattr(mod, name), f"{module}.{name} is in __all__ but missing"

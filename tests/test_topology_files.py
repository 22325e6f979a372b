"""Topology files: shipped networks are found, load(save(n)) == n, saving is safe."""

from __future__ import annotations

import dataclasses
import os
from ipaddress import IPv4Interface, IPv4Network
from pathlib import Path

import pytest

from netlab.errors import TopologyError
from netlab.model.network import Network
from netlab.model.types import Endpoint, LinkKind, Vendor
from netlab.topology.files import (
    TOPOLOGY_DIRS,
    list_topologies,
    load_network,
    network_to_spec,
    resolve_topology,
    save_network,
)

SHIPPED = sorted(list_topologies())


def test_shipped_topologies_are_listed() -> None:
    assert {"classic-small", "express-small"} <= set(SHIPPED)
    for name, path in list_topologies().items():
        assert path.stem == name and path.is_file()
        assert path.parent in TOPOLOGY_DIRS


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_round_trip(name: str, tmp_path: Path) -> None:
    network = load_network(name)
    out = tmp_path / "network.yaml"
    save_network(network, out)
    assert load_network(out) == network
    # A network built from a file saves back to that file's essentials: no overrides.
    text = out.read_text(encoding="utf-8")
    for override in ("loopback4", "ipv4:", "a_port", "latency", "metric:", "net:"):
        assert override not in text, f"{name} saved with a needless {override!r}"


def test_name_or_path(tmp_path: Path) -> None:
    by_name = load_network("classic-small")
    path = list_topologies()["classic-small"]
    assert load_network(path) == by_name
    assert load_network(str(path)) == by_name
    assert resolve_topology("classic-small") == path
    with pytest.raises(TopologyError, match="did you mean 'classic-small'"):
        resolve_topology("classic-smal")
    with pytest.raises(TopologyError, match="file not found"):
        load_network(tmp_path / "absent.yaml")


def _edited(network: Network) -> Network:
    """A network no file derives: hand-set metric, address, port, vendor, ASN, kind."""
    links = dict(network.links)
    first = next(iter(links))
    link = links[first]
    links[first] = dataclasses.replace(
        link, metric=4242, latency_ms=7.5, ipv4=IPv4Network("198.18.200.0/31"),
        a=Endpoint(link.a.router, 9, 7), kind=LinkKind.METRO)
    routers = dict(network.routers)
    name = next(iter(routers))
    routers[name] = dataclasses.replace(
        routers[name], vendor=Vendor.FRR, asn=65333,
        loopback4=IPv4Interface("198.18.60.1/32"))
    prefixes = dict(network.site_prefixes)
    dropped = next(iter(prefixes))
    del prefixes[dropped]
    return network.replace(links=links, routers=routers, site_prefixes=prefixes,
                           description="edited: by hand")


def test_round_trip_keeps_every_override(tmp_path: Path) -> None:
    network = _edited(load_network("classic-small"))
    assert network.problems() == []
    out = tmp_path / "edited.yaml"
    save_network(network, out)
    assert load_network(out) == network
    spec = network_to_spec(network)
    first = spec.links[0]
    assert (first.metric, first.latency, first.kind) == (4242, 7.5, LinkKind.METRO)
    assert spec.routers[0].vendor is Vendor.FRR
    assert sum(1 for s in spec.sites if not s.originate) == 1


def test_save_refuses_to_overwrite_when_asked(tmp_path: Path) -> None:
    network = load_network("express-small")
    out = tmp_path / "mine.yaml"
    out.write_text("something a person wrote\n", encoding="utf-8")
    with pytest.raises(TopologyError, match="refusing to overwrite"):
        save_network(network, out, overwrite=False)
    assert out.read_text(encoding="utf-8") == "something a person wrote\n"
    save_network(network, out)
    assert load_network(out) == network
    assert [p.name for p in tmp_path.iterdir()] == ["mine.yaml"]  # no temp file left


def test_saved_files_get_the_mode_a_plain_write_would(tmp_path: Path) -> None:
    network = load_network("express-small")
    old = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.yaml"
        save_network(network, fresh)
        assert fresh.stat().st_mode & 0o777 == 0o644  # not the temporary file's 0600
        kept = tmp_path / "kept.yaml"
        kept.write_text("x\n", encoding="utf-8")
        kept.chmod(0o640)
        save_network(network, kept)
        assert kept.stat().st_mode & 0o777 == 0o640  # replacing keeps the file's mode
    finally:
        os.umask(old)


def test_wheel_carries_the_shipped_topologies(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """pyproject maps topologies/ into the package, where an installed netlab looks."""
    import tomllib

    from netlab.topology import files

    root = Path(__file__).resolve().parent.parent
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    include = project["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert include["topologies"] == "netlab/_data/topologies"
    package_dir = Path(files.__file__).resolve().parent.parent
    assert files.TOPOLOGY_DIRS[1] == package_dir / "_data" / "topologies"
    # An installed layout: no checkout next to the package, only the package data.
    data = tmp_path / "netlab" / "_data" / "topologies"
    data.mkdir(parents=True)
    for name, path in list_topologies().items():
        (data / f"{name}.yaml").write_bytes(path.read_bytes())
    monkeypatch.setattr(files, "TOPOLOGY_DIRS", (tmp_path / "topologies", data))
    assert sorted(files.list_topologies()) == SHIPPED
    assert files.load_network("express-small") == load_network(
        root / "topologies" / "express-small.yaml")


def test_sound_files_take_the_fast_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """libyaml reads sound files; the line-keeping reader is only needed for errors."""
    from netlab.topology import files
    from netlab.topology.build import build_network
    from netlab.topology.schema import load_spec

    path = list_topologies()["classic-medium"]
    spec, lines = load_spec(path)
    careful = build_network(spec, lines=lines, path=str(path))

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the careful reader ran on a sound file")

    monkeypatch.setattr(files, "load_spec", refuse)
    assert files.load_network(path) == careful


def test_fast_reader_defers_what_yaml_would_forgive(tmp_path: Path) -> None:
    """Duplicate and merge keys, which libyaml accepts, still get the careful verdict."""
    text = (Path(__file__).parent / "data" / "topology-minimal.yaml").read_text(encoding="utf-8")
    dup = text.replace("    lon: -0.13\n", "    lon: -0.13\n    lon: 1\n")
    merged = text.replace(
        "  - {name: ams1-bb1, role: bb, site: ams1, route_reflector: true}\n"
        "  - {name: lon1-bb1, role: bb, site: lon1}\n",
        "  - &bb {name: ams1-bb1, role: bb, site: ams1}\n"
        "  - {<<: *bb, name: lon1-bb1, site: lon1}\n")
    assert text not in (dup, merged)
    for name, body, line in (("dup.yaml", dup, 15), ("merge.yaml", merged, 22)):
        path = tmp_path / name
        path.write_text(body, encoding="utf-8")
        with pytest.raises(TopologyError) as info:
            load_network(path)
        assert info.value.line == line, info.value


def test_one_vendor_everywhere_saves_as_role_defaults(tmp_path: Path) -> None:
    network = load_network("express-small")
    frr = network.replace(routers={k: dataclasses.replace(r, vendor=Vendor.FRR)
                                   for k, r in network.routers.items()})
    out = tmp_path / "frr.yaml"
    save_network(frr, out)
    text = out.read_text(encoding="utf-8")
    assert "vendors: {dr: frr, ebb: frr}" in text
    assert "vendor:" not in text.split("routers:")[1]
    assert load_network(out) == frr


def test_public_api_is_pinned() -> None:
    import importlib

    import netlab.topology

    modules = ["build", "checks", "cities", "classic", "draw", "emit", "express", "fibre",
               "files", "geo", "planning", "schema", "sitemap", "summary"]
    for name in ["netlab.topology", "netlab.model.addressing",
                 *(f"netlab.topology.{m}" for m in modules)]:
        module = importlib.import_module(name)
        assert len(set(module.__all__)) == len(module.__all__), name
        for public in module.__all__:
            assert hasattr(module, public), f"{name}.{public}"
    assert {"load_network", "save_network", "network_to_spec", "list_topologies"} <= set(
        netlab.topology.__all__)


@pytest.mark.parametrize("text", [
    "", "yes", "null", "0/3", "1_000", "12:30", "2001:db8::/64", "São Paulo", "a: b, c",
    "line one\nline two", 'say "hi" # not a comment', "  padded  ", "- dash", "Lule\u00e5",
    "\u2028odd separator", "1e5",
])
def test_any_text_survives_a_round_trip(tmp_path: Path, text: str) -> None:
    network = load_network("classic-small")
    site = next(iter(network.sites.values()))
    odd = network.replace(description=text,
                          sites={**network.sites, site.name: dataclasses.replace(site, city=text,
                                                                                 lat=1e-05)})
    out = tmp_path / "odd.yaml"
    save_network(odd, out)
    assert load_network(out) == odd

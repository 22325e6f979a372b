"""Topology files a person wrote: every mistake names the file and the right line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from netlab.errors import TopologyError
from netlab.model.types import LinkKind, Role
from netlab.topology.files import load_network
from netlab.topology.schema import TopologySpec, load_spec

DATA = Path(__file__).parent / "data"
BAD = sorted((DATA / "bad" / "topology").glob("*.yaml"))
HEADER = re.compile(r"^# error: (?P<line>\d+|-): (?P<message>.+)$")


def _expected(path: Path) -> tuple[int | None, str]:
    for text in path.read_text(encoding="utf-8").splitlines()[:3]:
        m = HEADER.match(text)
        if m:
            line = None if m["line"] == "-" else int(m["line"])
            return line, m["message"]
    raise AssertionError(f"{path.name} has no '# error: LINE: message' header")


def test_there_are_enough_bad_files() -> None:
    names = {p.stem for p in BAD}
    assert {"malformed-yaml", "unknown-key", "wrong-type", "unknown-router-in-link",
            "duplicate-router", "duplicate-site", "unknown-site", "bad-vendor",
            "duplicate-key"} <= names


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_file_names_file_and_line(path: Path) -> None:
    line, message = _expected(path)
    with pytest.raises(TopologyError) as info:
        load_network(path)
    err = info.value
    assert err.path == str(path)
    assert err.line == line, f"{path.name}: reported line {err.line}, expected {line}: {err}"
    assert message in err.message
    prefix = f"{path}:{line}: " if line is not None else f"{path}: "
    assert str(err).startswith(prefix)
    assert "\n" not in str(err)


def test_minimal_file_loads() -> None:
    network = load_network(DATA / "topology-minimal.yaml")
    assert set(network.sites) == {"ams1", "lon1", "cln1"}
    assert network.routers["transit1-ams1"].asn == 64496
    assert network.routers["ams1-bb1"].route_reflector
    kinds = {lk.id: lk.kind for lk in network.links.values()}
    assert kinds["ams1-bb1--ams1-pr1"] is LinkKind.ACCESS
    assert kinds["ams1-pr1--transit1-ams1"] is LinkKind.PEERING
    assert kinds["ams1-bb1--lon1-bb1"] is LinkKind.LONGHAUL
    assert network.site_prefixes["ams1"].origin_routers == ("ams1-pr1",)
    assert network.site_prefixes["lon1"].origin_routers == ("lon1-bb1",)


def test_text_source_and_empty_file(tmp_path: Path) -> None:
    text = (DATA / "topology-minimal.yaml").read_text(encoding="utf-8")
    spec, lines = load_spec("inline.yaml", text=text)
    assert isinstance(spec, TopologySpec) and lines.line_of(("links", 1)) == 33
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing here\n", encoding="utf-8")
    with pytest.raises(TopologyError, match=r"empty\.yaml:1: empty file"):
        load_network(empty)


def test_unreadable_files_name_the_file(tmp_path: Path) -> None:
    # Not Python's "'utf-8' codec can't decode byte 0xff in position 7": the line.
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes(b"name: x\nsites:\n  - {name: a, city: K\xf6ln}\n")
    with pytest.raises(TopologyError) as info:
        load_network(latin1)
    assert str(info.value) == (f"{latin1}:3: not UTF-8 text: byte 0xf6 at column 22 "
                               "(save the file as UTF-8)")
    folder = tmp_path / "dir.yaml"
    folder.mkdir()
    with pytest.raises(TopologyError) as info:
        load_network(folder)
    assert str(info.value) == f"{folder}: is a directory, expected a file"


def _with(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("  - {name: lon1-bb1, role: bb, site: lon1}",
     "  - {name: lon1-bb1, role: bb, site: lon1, plane: 0}", "only ebb routers are on a plane"),
    ("  - {name: lon1-bb1, role: bb, site: lon1}",
     "  - {name: lon1-bb1, role: bb, site: lon1, network: transit1}",
     "only peer routers belong to an external network"),
    ("  - {name: transit1-ams1, role: peer, site: ams1, network: transit1}",
     "  - {name: transit1-ams1, role: peer, site: ams1}", "needs 'network'"),
    ("  - {a: ams1-bb1, b: ams1-pr1}",
     "  - {a: ams1-bb1, b: ams1-pr1, ipv4: 10.0.0.0/31}", "outside the lab-safe ranges"),
    ("  - {a: ams1-bb1, b: ams1-pr1}",
     "  - {a: ams1-bb1, b: ams1-pr1, ipv4: 198.18.70.0/30}", "must be a /31"),
    ("  - {a: ams1-bb1, b: ams1-pr1}",
     "  - {a: ams1-bb1, b: ams1-pr1, id: ams1-bb1--lon1-bb1}", "duplicate link id"),
    ("  - {src: cln1, dst: ams1, gbps: 120}",
     "  - {src: cln1, dst: ams1, gbps: 120}\n  - {src: cln1, dst: ams1, gbps: 1}",
     "duplicate demand cln1 -> ams1"),
    ("  - {src: cln1, dst: ams1, gbps: 120}", "  - {src: cln1, dst: cln1, gbps: 120}",
     "demand from cln1 to itself"),
    ("backbone: classic", "backbone: classic\nplanes: 2", "exactly 1 plane"),
    ("    lon: 4.90", "    lon: 4.90\n    prefix4: 10.1.0.0/24", "site prefix 10.1.0.0/24"),
    # Values pydantic would take: infinity, a loopback wider than one address,
    # and addresses that overlap what another item uses.
    ("  - {a: ams1-bb1, b: ams1-pr1}", "  - {a: ams1-bb1, b: ams1-pr1, capacity: .inf}",
     "links[3].capacity: Input should be a finite number"),
    ("  - {src: cln1, dst: ams1, gbps: 120}", "  - {src: cln1, dst: ams1, gbps: 1e400}",
     "demands[0].gbps: Input should be a finite number"),
    ("  - {name: lon1-bb1, role: bb, site: lon1}",
     "  - {name: lon1-bb1, role: bb, site: lon1, loopback4: 198.18.0.200/24}",
     "loopback4 must be a /32 (one address), got 198.18.0.200/24"),
    ("  - {a: ams1-bb1, b: ams1-pr1}", "  - {a: ams1-bb1, b: ams1-pr1, ipv4: 198.18.0.0/31}",
     "198.18.0.1/32 of ams1-bb1 loopback overlaps 198.18.0.0/31 of link ams1-bb1--ams1-pr1"),
    ("    lon: 4.90", "    lon: 4.90\n    prefix4: 198.19.1.0/24",
     "prefix 198.19.1.0/24 is used by both site ams1 prefix and site lon1 prefix"),
    ("    lon: 4.90", "    lon: 4.90\n    prefix6: 2001:db8::/64",
     "2001:db8::1/128 of ams1-bb1 loopback overlaps 2001:db8::/64 of site ams1 prefix"),
])
def test_semantic_errors(tmp_path: Path, old: str, new: str, message: str) -> None:
    text = _with((DATA / "topology-minimal.yaml").read_text(encoding="utf-8"), old, new)
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TopologyError, match=re.escape(message)) as info:
        load_network(path)
    assert info.value.path == str(path)
    assert info.value.line is not None


def test_explicit_values_override_derivation(tmp_path: Path) -> None:
    text = (DATA / "topology-minimal.yaml").read_text(encoding="utf-8")
    text = _with(text, "  - {a: ams1-bb1, b: ams1-pr1}",
                 "  - {a: ams1-bb1, b: ams1-pr1, a_port: 3/5, metric: 1000, latency: 2.5, "
                 "ipv4: 198.18.100.0/31, kind: metro}")
    text = _with(text, "  - {name: lon1-bb1, role: bb, site: lon1}",
                 "  - {name: lon1-bb1, role: bb, site: lon1, vendor: frr, asn: 65001, "
                 "loopback4: 198.18.1.1/32}")
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    network = load_network(path)
    link = network.links["ams1-bb1--ams1-pr1"]
    assert (link.a.slot, link.a.port, link.metric, link.latency_ms) == (3, 5, 1000, 2.5)
    assert str(link.ipv4) == "198.18.100.0/31" and link.kind is LinkKind.METRO
    lon = network.routers["lon1-bb1"]
    assert (lon.vendor.value, lon.asn, str(lon.loopback4)) == ("frr", 65001, "198.18.1.1/32")
    assert lon.net == "49.0001.1980.1800.1001.00"  # follows the explicit loopback
    assert network.routers["ams1-pr1"].role is Role.PR


def test_overlap_is_reported_on_the_line_written_by_hand(tmp_path: Path) -> None:
    text = _with((DATA / "topology-minimal.yaml").read_text(encoding="utf-8"),
                 "  - {a: ams1-bb1, b: ams1-pr1}",
                 "  - {a: ams1-bb1, b: ams1-pr1, ipv4: 198.18.0.0/31}")
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TopologyError) as info:
        load_network(path)
    line = text.splitlines().index("  - {a: ams1-bb1, b: ams1-pr1, ipv4: 198.18.0.0/31}") + 1
    assert info.value.line == line


def test_external_networks_may_announce_overlapping_prefixes(tmp_path: Path) -> None:
    # A more specific of another network's prefix is a drill (a leak), not a mistake.
    text = (DATA / "topology-minimal.yaml").read_text(encoding="utf-8")
    text = _with(text, "  - {name: transit1, asn: 64496, kind: transit}",
                 "  - {name: transit1, asn: 64496, kind: transit, prefixes: [192.0.2.0/24]}\n"
                 "  - {name: peer9, asn: 64497, kind: peer, prefixes: [192.0.2.0/25]}")
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    assert set(load_network(path).external_networks) == {"transit1", "peer9"}

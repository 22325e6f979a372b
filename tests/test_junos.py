"""Junos renderer and parser: round trip, golden text, operator edits, detection."""

from __future__ import annotations

import dataclasses
import os
from functools import cache
from ipaddress import (
    IPv4Address,
    IPv4Interface,
    IPv4Network,
    IPv6Address,
    IPv6Interface,
    IPv6Network,
)
from pathlib import Path

import pytest
from golden import check_golden
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import device_configs

from netlab.errors import ParseError, RenderError
from netlab.model.device import (
    Action,
    AuthType,
    BgpConfig,
    BgpNeighbor,
    DeviceConfig,
    HelloAuth,
    InterfaceConfig,
    IsisInterface,
    IsisLevel,
    IsisProcess,
    PolicyTerm,
    PrefixList,
    PrefixListEntry,
    RoutePolicy,
    StaticRoute,
)
from netlab.model.types import Vendor
from netlab.parse import detect_vendor, parse_config
from netlab.parse.junos import parse
from netlab.parse.result import ParseWarning
from netlab.render import render_config
from netlab.render.junos import build, render

FILE = "configs/bb1-fra.cfg"


# --- the round trip ---------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(device_configs(Vendor.JUNOS))
def test_round_trip(cfg: DeviceConfig) -> None:
    text = render(cfg)
    result = parse(text, FILE)
    assert result.warnings == (), "rendered text must parse without warnings"
    assert result.config == cfg
    assert render(result.config) == text


@settings(max_examples=100, deadline=None)
@given(st.text(st.characters(min_codepoint=32, max_codepoint=0x24F, exclude_characters="\x7f"),
               max_size=30),
       st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=20))
def test_any_printable_description_and_key_round_trip(description: str, key: str) -> None:
    cfg = _with_interface(backbone(), "et-0/0/1", description=description)
    assert cfg.bgp is not None
    cfg = _with_neighbors(cfg, tuple(dataclasses.replace(n, description=description,
                                                         password=key)
                                     for n in cfg.bgp.neighbors))
    result = parse(render(cfg), FILE)
    assert result.warnings == ()
    assert result.config == cfg


# --- the golden backbone router -------------------------------------------------------

def _core(name: str, peer: str, v4: str, v6: str, metric: int,
          auth: HelloAuth | None = None) -> InterfaceConfig:
    return InterfaceConfig(
        name=name, description=f"to {peer} [core]", ipv4=IPv4Interface(v4),
        ipv6=IPv6Interface(v6), mtu=9000, mpls=True,
        isis=IsisInterface(metric=metric, hello_auth=auth))


def _ibgp(address: str, description: str, client: bool = True) -> BgpNeighbor:
    addr = IPv6Address(address) if ":" in address else IPv4Address(address)
    return BgpNeighbor(address=addr, remote_as=65000, description=description,
                       update_source="lo0", next_hop_self=True,
                       route_reflector_client=client)


def backbone() -> DeviceConfig:
    """bb1-fra: a classic-backbone router and route reflector with one transit."""
    bogons = PrefixList("BOGONS", tuple(PrefixListEntry(IPv4Network(p), 32) for p in (
        "0.0.0.0/8", "10.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.168.0.0/16", "224.0.0.0/4")))
    ours = PrefixList("OUR-PREFIXES", (PrefixListEntry(IPv4Network("198.19.0.0/16"), 24),))
    default = PrefixList("DEFAULT-ROUTE", (PrefixListEntry(IPv4Network("0.0.0.0/0")),))
    transit_in = RoutePolicy("TRANSIT-IN", (
        PolicyTerm("bogons", Action.DENY, "BOGONS"),
        PolicyTerm("default", Action.DENY, "DEFAULT-ROUTE"),
        PolicyTerm("own", Action.DENY, "OUR-PREFIXES"),
        PolicyTerm("accept", Action.PERMIT, set_local_preference=80),
    ), Action.DENY)
    transit_out = RoutePolicy("TRANSIT-OUT", (
        PolicyTerm("ours", Action.PERMIT, "OUR-PREFIXES", set_med=0, prepend_as=1),
    ), Action.DENY)
    return DeviceConfig(
        hostname="bb1-fra",
        vendor=Vendor.JUNOS,
        interfaces=(
            InterfaceConfig(name="lo0", description="bb1-fra loopback",
                            ipv4=IPv4Interface("198.18.0.1/32"),
                            ipv6=IPv6Interface("2001:db8::1/128"),
                            isis=IsisInterface(passive=True, point_to_point=False),
                            loopback=True),
            _core("et-0/0/0", "bb2-fra et-0/0/0", "198.18.64.0/31", "2001:db8:1::/127", 10,
                  HelloAuth(AuthType.MD5, "c0reHello")),
            _core("et-0/0/1", "bb1-ams et-0/0/3", "198.18.64.2/31", "2001:db8:1::2/127", 250),
            _core("et-1/0/0", "bb1-par et-1/0/2", "198.18.64.4/31", "2001:db8:1::4/127", 310),
            _core("et-1/0/1", "bb1-lon et-0/0/1", "198.18.64.6/31", "2001:db8:1::6/127", 420),
            InterfaceConfig(name="xe-2/0/0", description="to pr1-fra xe-0/0/0 [access]",
                            ipv4=IPv4Interface("198.18.64.8/31"),
                            ipv6=IPv6Interface("2001:db8:1::8/127"), mtu=9000,
                            isis=IsisInterface(metric=100)),
            InterfaceConfig(name="xe-2/0/1", description="to AS64500 transit [peering]",
                            ipv4=IPv4Interface("198.18.65.0/31"), mtu=1500),
        ),
        isis=IsisProcess(net="49.0001.1980.1800.0001.00"),
        bgp=BgpConfig(
            asn=65000,
            router_id=IPv4Address("198.18.0.1"),
            cluster_id=IPv4Address("198.18.0.1"),
            neighbors=(
                _ibgp("198.18.0.2", "bb2-fra", client=False),
                _ibgp("198.18.0.11", "pr1-fra"),
                _ibgp("198.18.0.21", "dr1-fra"),
                _ibgp("2001:db8::b", "pr1-fra v6"),
                BgpNeighbor(address=IPv4Address("198.18.65.1"), remote_as=64500,
                            description="AS64500 transit", import_policy="TRANSIT-IN",
                            export_policy="TRANSIT-OUT", password="tr4nsitKey",
                            max_prefix=900000),
            ),
            networks=(IPv4Network("198.19.0.0/24"), IPv6Network("2001:db8:2::/64")),
            multipath=True,
        ),
        prefix_lists=(bogons, ours, default),
        route_policies=(transit_in, transit_out),
        static_routes=(StaticRoute(IPv4Network("198.19.200.0/24"),
                                   IPv4Address("198.18.64.9")),),
        mpls_ldp=True,
    ).normalized()


@cache
def golden_text() -> str:
    return render(backbone())


def test_golden_backbone() -> None:
    check_golden("junos/backbone.cfg", golden_text())


def test_golden_parses_back_without_warnings() -> None:
    result = parse(golden_text(), FILE)
    assert result.warnings == ()
    assert result.config == backbone()


def test_registries_dispatch_to_junos() -> None:
    text = render_config(backbone())
    assert text == golden_text()
    assert parse_config(text, FILE).config == backbone()


# --- vendor detection -----------------------------------------------------------------

def test_detect_vendor_by_header() -> None:
    text = golden_text()
    assert text.startswith("!RANCID-CONTENT-TYPE: juniper\n")
    assert detect_vendor(text, FILE) is Vendor.JUNOS


def test_detect_vendor_without_header() -> None:
    text = golden_text().split("\n", 1)[1]
    assert detect_vendor(text, FILE) is Vendor.JUNOS
    assert parse(text, FILE).config == backbone()


# --- what an operator's edits do --------------------------------------------------------

def _line_of(text: str, needle: str, after: str | None = None) -> int:
    """1-based number of the one line equal to ``needle`` (stripped), after ``after``."""
    lines = [ln.strip() for ln in text.split("\n")]
    start = lines.index(after) if after is not None else 0
    hits = [i + 1 for i, ln in enumerate(lines) if ln == needle and i >= start]
    assert hits, f"{needle!r} not in the golden text"
    return hits[0]


def _replace(text: str, line: int, new: list[str]) -> str:
    lines = text.split("\n")
    indent = lines[line - 1][: len(lines[line - 1]) - len(lines[line - 1].lstrip())]
    lines[line - 1: line] = [indent + n for n in new]
    return "\n".join(lines)


def _parsed(text: str) -> DeviceConfig:
    result = parse(text, FILE)
    assert result.warnings == ()
    return result.config


def _with_interface(cfg: DeviceConfig, name: str, **changes: object) -> DeviceConfig:
    itfs = tuple(dataclasses.replace(i, **changes) if i.name == name else i  # type: ignore[arg-type]
                 for i in cfg.interfaces)
    return dataclasses.replace(cfg, interfaces=itfs)


def _with_neighbors(cfg: DeviceConfig, neighbors: tuple[BgpNeighbor, ...]) -> DeviceConfig:
    assert cfg.bgp is not None
    return dataclasses.replace(cfg, bgp=dataclasses.replace(cfg.bgp, neighbors=neighbors))


def test_edit_shut_interface() -> None:
    text = golden_text()
    line = _line_of(text, "mtu 9014;", after="et-1/0/0 {")
    edited = _replace(text, line, ["disable;", "mtu 9014;"])
    assert _parsed(edited) == _with_interface(backbone(), "et-1/0/0", enabled=False)


def test_edit_isis_metric() -> None:
    text = golden_text()
    line = _line_of(text, "level 2 metric 250;", after="interface et-0/0/1.0 {")
    edited = _replace(text, line, ["level 2 metric 400;"])
    expected = _with_interface(backbone(), "et-0/0/1",
                               isis=IsisInterface(metric=400))
    assert _parsed(edited) == expected


def test_edit_remove_neighbor() -> None:
    text = golden_text()
    start = _line_of(text, "neighbor 198.18.0.21 {")
    lines = text.split("\n")
    end = next(i for i in range(start, len(lines)) if lines[i].strip() == "}")
    edited = "\n".join(lines[: start - 1] + lines[end + 1:])
    cfg = backbone()
    assert cfg.bgp is not None
    kept = tuple(n for n in cfg.bgp.neighbors if n.address != IPv4Address("198.18.0.21"))
    assert _parsed(edited) == _with_neighbors(cfg, kept)


def test_edit_deactivate_neighbor_is_shutdown() -> None:
    text = golden_text()
    line = _line_of(text, "neighbor 198.18.65.1 {")
    edited = _replace(text, line, ["inactive: neighbor 198.18.65.1 {"])
    cfg = backbone()
    assert cfg.bgp is not None
    changed = tuple(dataclasses.replace(n, shutdown=n.address == IPv4Address("198.18.65.1"))
                    for n in cfg.bgp.neighbors)
    assert _parsed(edited) == _with_neighbors(cfg, changed)


def test_edit_garbage_line_is_a_warning() -> None:
    text = golden_text()
    line = _line_of(text, "host-name bb1-fra;")
    edited = _replace(text, line, ["host-name bb1-fra;", "frobnicate the-widgets;"])
    result = parse(edited, FILE)
    assert result.config == backbone()
    assert result.warnings == (
        ParseWarning(FILE, line + 1, "frobnicate the-widgets;", "This syntax is unrecognized"),
    )


def test_edit_set_command_is_a_warning() -> None:
    text = golden_text() + "set protocols isis overload\n"
    result = parse(text, FILE)
    last = len(text.split("\n")) - 1
    assert result.config == backbone()
    assert [(w.line, w.text) for w in result.warnings] == [
        (last, "set protocols isis overload")]


def test_edit_isis_without_family_iso_is_a_warning() -> None:
    text = golden_text()
    line = _line_of(text, "family iso;", after="et-1/0/1 {")
    lines = text.split("\n")
    del lines[line - 1]
    result = parse("\n".join(lines), FILE)
    assert result.config == _with_interface(backbone(), "et-1/0/1", isis=None)
    isis_line = _line_of("\n".join(lines), "interface et-1/0/1.0 {")
    assert [(w.line, w.comment) for w in result.warnings] == [
        (isis_line, "et-1/0/1 unit 0 has no family iso; Junos does not run IS-IS there")]


def test_edit_comments_and_annotations_are_ignored() -> None:
    text = golden_text()
    line = _line_of(text, "neighbor 198.18.65.1 {")
    edited = _replace(text, line, ["/* transit turned up 2026-11-02,", "   ticket NET-1234 */",
                                   "neighbor 198.18.65.1 { # AS64500"])
    assert _parsed(edited) == backbone()


@pytest.mark.parametrize(("needle", "after", "new", "message"), [
    ("address 198.18.64.4/31;", None, "address 198.18.64.400/31;",
     "malformed IPv4 interface address"),
    ("level 2 metric 310;", None, "level 2 metric ten;", "IS-IS metric must be a number"),
    ("import TRANSIT-IN;", None, "import TRANSIT-INN;", "policy TRANSIT-INN is not defined"),
    ("from policy BOGONS;", None, "from policy BOGONZ;", "policy BOGONZ is not defined"),
    ("peer-as 64500;", None, "peer-as 64500x;", "peer-as must be a number"),
    ("route-filter 10.0.0.0/8 upto /32;", None, "route-filter 10.0.0.1/8 upto /32;",
     "malformed route-filter prefix"),
])
def test_edit_syntax_error_names_the_line(needle: str, after: str | None, new: str,
                                          message: str) -> None:
    text = golden_text()
    line = _line_of(text, needle, after)
    with pytest.raises(ParseError) as info:
        parse(_replace(text, line, [new]), FILE)
    assert (info.value.path, info.value.line) == (FILE, line)
    assert message in info.value.message


_EDIT_WORDS = ("inactive:", "{", "}", ";", '"', "[", "]", "level", "3", "x", "/33", "::1",
               "9999999999", "family", "neighbor", "term", "then", "disable", "unit")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["delete", "duplicate", "insert-word"]),
                          st.integers(0, 400), st.sampled_from(_EDIT_WORDS),
                          st.integers(0, 5)), min_size=1, max_size=4))
def test_random_edits_give_a_config_or_a_parse_error(
        edits: list[tuple[str, int, str, int]]) -> None:
    lines = golden_text().split("\n")
    for op, index, word, pos in edits:
        i = index % len(lines)
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        else:
            parts = lines[i].split(" ")
            parts.insert(min(pos, len(parts)), word)
            lines[i] = " ".join(parts)
    try:
        parse("\n".join(lines), FILE)
    except ParseError as exc:  # anything else is a crash
        assert exc.path == FILE and exc.line is not None


def test_edit_missing_brace_names_the_unclosed_block() -> None:
    text = golden_text()
    opener = _line_of(text, "et-0/0/1 {")
    lines = text.split("\n")
    close = next(i for i in range(opener, len(lines)) if lines[i] == "    }")
    del lines[close]
    with pytest.raises(ParseError) as info:
        parse("\n".join(lines), FILE)
    assert info.value.line == opener
    assert str(info.value) == f"{FILE}:{opener}: '{{' is never closed (missing '}}')"


def test_edit_extra_brace_names_the_brace() -> None:
    text = golden_text()
    line = _line_of(text, "family mpls;", after="et-0/0/0 {")
    edited = _replace(text, line, ["family mpls;", "}"])
    with pytest.raises(ParseError) as info:
        parse(edited, FILE)
    assert info.value.line == line + 1
    assert "unbalanced '}'" in info.value.message


def test_unterminated_string_names_its_line() -> None:
    text = golden_text()
    line = _line_of(text, 'description "AS64500 transit";')
    with pytest.raises(ParseError) as info:
        parse(_replace(text, line, ['description "AS64500 transit;']), FILE)
    assert info.value.line == line


# --- rendering decisions ------------------------------------------------------------------

def test_mtu_counts_the_ethernet_header() -> None:
    view = build(backbone())
    assert next(i.mtu for i in view.interfaces if i.name == "xe-2/0/1") == 1514


def test_groups_are_keyed_and_named_deterministically() -> None:
    names = [(g.name, [n.address for n in g.neighbors]) for g in build(backbone()).groups]
    assert names == [
        ("IBGP", ["198.18.0.2"]),
        ("IBGP-RR-CLIENTS", ["198.18.0.11", "198.18.0.21"]),
        ("IBGP-RR-CLIENTS-V6", ["2001:db8::b"]),
        ("EBGP-AS64500", ["198.18.65.1"]),
    ]


def test_discard_and_next_hop_on_one_prefix_is_refused() -> None:
    cfg = dataclasses.replace(backbone(), static_routes=(
        StaticRoute(IPv4Network("198.19.200.0/24")),
        StaticRoute(IPv4Network("198.19.200.0/24"), IPv4Address("198.18.64.9"))))
    with pytest.raises(RenderError, match="discard"):
        render(cfg)


def test_cluster_id_without_client_is_refused() -> None:
    cfg = backbone()
    assert cfg.bgp is not None
    nbs = tuple(dataclasses.replace(n, route_reflector_client=False)
                for n in cfg.bgp.neighbors)
    with pytest.raises(RenderError, match="cluster"):
        render(_with_neighbors(cfg, nbs))


def test_level_1_2_circuit_writes_both_levels() -> None:
    cfg = _with_interface(backbone(), "et-0/0/1",
                          isis=IsisInterface(metric=7, level=IsisLevel.L1L2))
    text = render(cfg)
    block = text.split("interface et-0/0/1.0 {")[1].split("}")[0]
    assert "level 1 metric 7;" in block and "level 2 metric 7;" in block
    assert "disable" not in block
    assert parse(text, FILE).config == cfg


# --- groups flatten back to neighbors -------------------------------------------------------

HAND_WRITTEN = """\
system {
    host-name edge1;
}
interfaces {
    lo0 {
        unit 0 {
            family inet {
                address 198.18.0.5/32;
            }
        }
    }
}
routing-options {
    router-id 198.18.0.5;
    autonomous-system 65000;
}
protocols {
    bgp {
        export NEXT-HOP-SELF;
        group PEERS {
            type external;
            import IN;
            authentication-key "grpkey";
            peer-as 64500;
            neighbor 198.51.100.1;
            neighbor 198.51.100.3 {
                import IN-STRICT;
                peer-as 64501;
                authentication-key "own";
            }
        }
    }
}
policy-options {
    policy-statement IN {
        then accept;
    }
    policy-statement IN-STRICT {
        then reject;
    }
    policy-statement NEXT-HOP-SELF {
        then next-hop self;
    }
}
"""


def test_group_settings_apply_to_neighbors_and_neighbor_settings_override() -> None:
    result = parse(HAND_WRITTEN, "edge1.cfg")
    # its NEXT-HOP-SELF is unscoped: Junos would also rewrite reflected routes, which the
    # model does not say, so the parser tells (the file and the policy's line)
    (warning,) = result.warnings
    assert warning.file == "edge1.cfg" and "route-type external" in warning.comment
    assert HAND_WRITTEN.splitlines()[warning.line - 1].strip().startswith(
        "policy-statement NEXT-HOP-SELF")
    bgp = result.config.bgp
    assert bgp is not None
    assert bgp.neighbors == (
        BgpNeighbor(IPv4Address("198.51.100.1"), 64500, next_hop_self=True,
                    import_policy="IN", password="grpkey"),
        BgpNeighbor(IPv4Address("198.51.100.3"), 64501, next_hop_self=True,
                    import_policy="IN-STRICT", password="own"),
    )
    assert result.config.route_policies == (RoutePolicy("IN", (), Action.PERMIT),
                                            RoutePolicy("IN-STRICT", (), Action.DENY))


# --- Batfish reads what we write --------------------------------------------------------------

@pytest.mark.batfish
def test_batfish_parses_the_golden_config_cleanly(tmp_path: Path) -> None:
    session_mod = pytest.importorskip("pybatfish.client.session")
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "bb1-fra.cfg").write_text(golden_text(), encoding="utf-8")
    bf = session_mod.Session(host=os.environ["BATFISH_HOST"])
    bf.set_network("netlab-test-junos")
    bf.init_snapshot(str(tmp_path), name="junos-golden", overwrite=True)
    status = bf.q.fileParseStatus().answer().frame()
    assert list(status["Status"]) == ["PASSED"]
    warnings = bf.q.parseWarning().answer().frame()
    assert warnings.empty, warnings.to_string()

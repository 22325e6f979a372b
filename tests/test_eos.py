"""Arista EOS: renderer and parser are inverses, the text is pinned, edits parse as expected."""

from __future__ import annotations

import dataclasses
from ipaddress import (
    IPv4Address,
    IPv4Interface,
    IPv4Network,
    IPv6Address,
    IPv6Interface,
    IPv6Network,
)

import pytest
from golden import check_golden
from hypothesis import given, settings
from strategies import device_configs

import netlab.parse.eos
import netlab.render.eos
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
from netlab.parse import ParseWarning, detect_vendor, parse_config
from netlab.parse.eos import parse
from netlab.render import render_config
from netlab.render.eos import render

FILE = "bb1-ash.cfg"

# -- round trip (property) ----------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(device_configs(Vendor.EOS))
def test_parse_inverts_render(cfg: DeviceConfig) -> None:
    """One generated config checks all three properties (generation dominates the cost)."""
    text = render(cfg)
    result = parse(text, FILE)
    assert result.warnings == (), "rendered text must parse without warnings"
    assert result.config == cfg, "parse(render(cfg)) must give cfg back"
    assert render(result.config) == text, "render(parse(text)) must give the text back"


# -- golden -----------------------------------------------------------------------

LO = "Loopback0"


def _core(name: str, desc: str, index: int, metric: int, auth: HelloAuth | None = None
          ) -> InterfaceConfig:
    return InterfaceConfig(
        name=name, description=desc, mtu=9178,
        ipv4=IPv4Interface(f"198.18.64.{2 * index}/31"),
        ipv6=IPv6Interface(f"2001:db8:1::{2 * index:x}/127"),
        isis=IsisInterface(metric=metric, point_to_point=True, level=IsisLevel.L2,
                           hello_auth=auth),
        mpls=True)


def _ibgp(last: int, desc: str, *, client: bool, v6: bool = False) -> BgpNeighbor:
    address = IPv6Address(f"2001:db8::{last:x}") if v6 else IPv4Address(f"198.18.0.{last}")
    return BgpNeighbor(address=address, remote_as=65000, description=desc,
                       update_source=LO, next_hop_self=client,
                       route_reflector_client=client)


def backbone_router() -> DeviceConfig:
    """bb1-ash: an EOS backbone router, route reflector for its site, with one transit."""
    interfaces = (
        InterfaceConfig(LO, "router-id and iBGP source", ipv4=IPv4Interface("198.18.0.11/32"),
                        ipv6=IPv6Interface("2001:db8::11/128"),
                        isis=IsisInterface(passive=True, point_to_point=False), loopback=True),
        _core("Ethernet1/1/1", "core: bb2-ash Ethernet1/1/1 [metro 400G]", 0, 15,
              HelloAuth(AuthType.MD5, "Ash0Metro")),
        _core("Ethernet2/1/1", "core: bb1-iad et-0/0/2 [longhaul 400G srlg ash-iad-1]", 1, 120),
        _core("Ethernet2/2/1", "core: bb1-ewr HundredGigE0/1/0/3 [longhaul 100G]", 2, 410),
        InterfaceConfig("Ethernet3/1/1", "peering: transit-a AS64500 xe-0/0/0", mtu=1500,
                        ipv4=IPv4Interface("198.18.128.0/31")),
        InterfaceConfig("Ethernet4/1/1", "spare: reserved for bb2-iad", enabled=False,
                        mtu=9178),
    )
    bogons = PrefixList("BOGONS", tuple(PrefixListEntry(IPv4Network(p), 32) for p in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/3")))
    own4 = PrefixList("OWN-PREFIXES", (PrefixListEntry(IPv4Network("198.19.0.0/16"), 24),))
    own6 = PrefixList("OWN-PREFIXES-V6",
                      (PrefixListEntry(IPv6Network("2001:db8:2::/48"), 64),))
    from_transit = RoutePolicy("FROM-TRANSIT", (
        PolicyTerm("bogons", Action.DENY, "BOGONS"),
        PolicyTerm("own-space", Action.DENY, "OWN-PREFIXES"),
        PolicyTerm("accept", Action.PERMIT, set_local_preference=80),
    ), Action.DENY)
    to_transit = RoutePolicy("TO-TRANSIT", (
        PolicyTerm("own", Action.PERMIT, "OWN-PREFIXES", set_med=0, prepend_as=1),
    ), Action.DENY)
    transit = BgpNeighbor(IPv4Address("198.18.128.1"), 64500, "transit-a AS64500",
                          import_policy="FROM-TRANSIT", export_policy="TO-TRANSIT",
                          password="Tr4nsitA", max_prefix=1_000_000)
    bgp = BgpConfig(
        asn=65000, router_id=IPv4Address("198.18.0.11"), cluster_id=IPv4Address("198.18.0.11"),
        neighbors=(
            _ibgp(12, "bb2-ash (RR peer)", client=False),
            _ibgp(21, "pr1-ash", client=True),
            _ibgp(31, "dr1-ash", client=True),
            _ibgp(0x21, "pr1-ash v6", client=True, v6=True),
            transit,
        ),
        networks=(IPv4Network("198.19.4.0/24"), IPv6Network("2001:db8:2:4::/64")),
        multipath=True,
    )
    return DeviceConfig(
        hostname="bb1-ash", vendor=Vendor.EOS, interfaces=interfaces,
        isis=IsisProcess("49.0001.1980.1800.0011.00", IsisLevel.L2),
        bgp=bgp, prefix_lists=(bogons, own4, own6),
        route_policies=(from_transit, to_transit),
        static_routes=(StaticRoute(IPv4Network("198.19.128.0/25"), IPv4Address("198.18.64.7")),
                       StaticRoute(IPv4Network("198.19.130.0/24"))),
        mpls_ldp=True,
    ).normalized()


@pytest.fixture(scope="module")
def golden() -> str:
    return render(backbone_router())


def test_golden_backbone(golden: str) -> None:
    check_golden("eos/backbone.cfg", golden)


def test_golden_parses_back_clean(golden: str) -> None:
    result = parse(golden, FILE)
    assert result.warnings == ()
    assert result.config == backbone_router()


# -- hand edits -------------------------------------------------------------------


def _line_of(text: str, needle: str, within: str | None = None) -> int:
    """1-based number of the only line equal to ``needle`` (stripped), optionally only
    among the lines indented under the top-level line ``within``."""
    lines = text.splitlines()
    numbers = range(1, len(lines) + 1)
    if within is not None:
        start = lines.index(within) + 1
        end = next((i for i in range(start, len(lines)) if not lines[i].startswith(" ")),
                   len(lines))
        numbers = range(start + 1, end + 1)
    hits = [n for n in numbers if lines[n - 1].strip() == needle]
    assert len(hits) == 1, f"{needle!r} found {len(hits)} times"
    return hits[0]


def _edit(text: str, old: str, new: str | None, within: str | None = None) -> str:
    """Replace (or delete, ``new=None``) the only line equal to ``old``, keeping indentation."""
    lines = text.splitlines()
    i = _line_of(text, old, within) - 1
    indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
    if new is None:
        del lines[i]
    else:
        lines[i] = indent + new
    return "\n".join(lines) + "\n"


def _insert_after(text: str, anchor: str, new: str) -> str:
    lines = text.splitlines()
    lines.insert(_line_of(text, anchor), new)
    return "\n".join(lines) + "\n"


def _with_interface(cfg: DeviceConfig, name: str, **changes: object) -> DeviceConfig:
    itfs = tuple(dataclasses.replace(i, **changes) if i.name == name else i  # type: ignore[arg-type]
                 for i in cfg.interfaces)
    return dataclasses.replace(cfg, interfaces=itfs)


def _with_neighbor(cfg: DeviceConfig, address: str, **changes: object) -> DeviceConfig:
    assert cfg.bgp is not None
    nbs = tuple(dataclasses.replace(n, **changes) if str(n.address) == address else n  # type: ignore[arg-type]
                for n in cfg.bgp.neighbors)
    return dataclasses.replace(cfg, bgp=dataclasses.replace(cfg.bgp, neighbors=nbs))


def test_shutting_an_interface(golden: str) -> None:
    text = _insert_after(golden, "interface Ethernet2/1/1", "   shutdown")
    result = parse(text, FILE)
    assert result.warnings == ()
    assert result.config == _with_interface(backbone_router(), "Ethernet2/1/1", enabled=False)


def test_changing_a_metric(golden: str) -> None:
    result = parse(_edit(golden, "isis metric 120", "isis metric 999"), FILE)
    cfg = backbone_router()
    isis = cfg.interface("Ethernet2/1/1").isis
    assert isis is not None
    expected = _with_interface(cfg, "Ethernet2/1/1", isis=dataclasses.replace(isis, metric=999))
    assert result.warnings == ()
    assert result.config == expected


def test_removing_a_metric_line_falls_back_to_the_eos_default(golden: str) -> None:
    result = parse(_edit(golden, "isis metric 410", None), FILE)
    isis = result.config.interface("Ethernet2/2/1").isis
    assert isis is not None and isis.metric == 10


def test_removing_a_neighbor(golden: str) -> None:
    text = "".join(ln + "\n" for ln in golden.splitlines()
                   if "neighbor 198.18.0.31 " not in ln)
    result = parse(text, FILE)
    cfg = backbone_router()
    assert cfg.bgp is not None
    nbs = tuple(n for n in cfg.bgp.neighbors if n.address != IPv4Address("198.18.0.31"))
    assert result.warnings == ()
    assert result.config == dataclasses.replace(cfg, bgp=dataclasses.replace(cfg.bgp,
                                                                             neighbors=nbs))


def test_garbage_line_is_a_warning_with_its_line(golden: str) -> None:
    text = _insert_after(golden, "hostname bb1-ash", "frobnicate the widgets now")
    number = _line_of(text, "frobnicate the widgets now")
    result = parse(text, FILE)
    assert result.warnings == (ParseWarning(FILE, number, "frobnicate the widgets now"),)
    assert result.config == backbone_router()


def test_unknown_sub_command_is_a_warning(golden: str) -> None:
    text = _insert_after(golden, "interface Ethernet3/1/1", "   speed forced 100gfull")
    result = parse(text, FILE)
    assert [(w.line, w.text) for w in result.warnings] == [
        (_line_of(text, "speed forced 100gfull"), "speed forced 100gfull")]
    assert result.config == backbone_router()


def test_malformed_address_is_a_parse_error_on_its_line(golden: str) -> None:
    text = _edit(golden, "ip address 198.18.64.2/31", "ip address 198.18.64.300/31")
    with pytest.raises(ParseError) as info:
        parse(text, FILE)
    assert info.value.line == _line_of(text, "ip address 198.18.64.300/31")
    assert info.value.path == FILE
    assert "198.18.64.300/31" in str(info.value)


def test_non_numeric_metric_is_a_parse_error(golden: str) -> None:
    text = _edit(golden, "isis metric 120", "isis metric high")
    with pytest.raises(ParseError) as info:
        parse(text, FILE)
    assert info.value.line == _line_of(text, "isis metric high")
    assert "must be a number" in info.value.message


def test_incomplete_command_and_bad_net_are_parse_errors(golden: str) -> None:
    text = _edit(golden, "ip address 198.18.128.0/31", "ip address")
    with pytest.raises(ParseError) as info:
        parse(text, FILE)
    assert info.value.line == _line_of(text, "ip address")
    text = _edit(golden, "net 49.0001.1980.1800.0011.00", "net 49.0001.1980.1800.11")
    with pytest.raises(ParseError) as info:
        parse(text, FILE)
    assert info.value.line == _line_of(text, "net 49.0001.1980.1800.11")


def test_removing_isis_enable_leaves_inert_lines_as_warnings(golden: str) -> None:
    block = "interface Ethernet2/2/1"
    text = _edit(golden, "isis enable core", None, within=block)
    result = parse(text, FILE)
    inert = ["isis circuit-type level-2", "isis metric 410", "isis network point-to-point"]
    assert [(w.line, w.text) for w in result.warnings] == [
        (_line_of(text, ln, within=block), ln) for ln in inert]
    assert all("no 'isis enable'" in w.comment for w in result.warnings)
    assert result.config == _with_interface(backbone_router(), "Ethernet2/2/1", isis=None)


def test_enabling_an_unknown_isis_instance_is_a_warning(golden: str) -> None:
    block = "interface Ethernet2/2/1"
    text = _edit(golden, "isis enable core", "isis enable COR", within=block)
    result = parse(text, FILE)
    assert [(w.line, w.text) for w in result.warnings] == [
        (_line_of(text, "isis enable COR"), "isis enable COR")]
    assert "router isis COR" in result.warnings[0].comment
    assert result.config == _with_interface(backbone_router(), "Ethernet2/2/1", isis=None)


def test_switchport_drops_addresses(golden: str) -> None:
    text = _edit(golden, "no switchport", None, within="interface Ethernet3/1/1")
    result = parse(text, FILE)
    assert [(w.line, w.text) for w in result.warnings] == [
        (_line_of(text, "interface Ethernet3/1/1"), "interface Ethernet3/1/1")]
    assert "switchport" in result.warnings[0].comment
    assert result.config == _with_interface(backbone_router(), "Ethernet3/1/1", ipv4=None)


def test_undefined_route_map_is_kept_with_a_warning(golden: str) -> None:
    old = "neighbor 198.18.128.1 route-map FROM-TRANSIT in"
    new = "neighbor 198.18.128.1 route-map FROM-TRANSTI in"
    text = _edit(golden, old, new)
    result = parse(text, FILE)
    assert result.warnings == (ParseWarning(FILE, _line_of(text, new), new,
                                            "route-map FROM-TRANSTI is not defined"),)
    assert result.config == _with_neighbor(backbone_router(), "198.18.128.1",
                                           import_policy="FROM-TRANSTI")


def test_missing_maximum_routes_means_the_eos_default(golden: str) -> None:
    result = parse(_edit(golden, "neighbor 198.18.0.21 maximum-routes 0", None), FILE)
    assert result.warnings == ()
    assert result.config == _with_neighbor(backbone_router(), "198.18.0.21", max_prefix=12000)


def test_neighbor_without_remote_as_is_left_out(golden: str) -> None:
    text = _edit(golden, "neighbor 198.18.0.12 remote-as 65000", None)
    result = parse(text, FILE)
    assert [(w.line, w.comment) for w in result.warnings] == [
        (_line_of(text, "neighbor 198.18.0.12 update-source Loopback0"),
         "neighbor 198.18.0.12 has no remote-as: EOS does not start this session; left out"),
        (_line_of(text, "neighbor 198.18.0.12 activate"),
         "neighbor 198.18.0.12 is not configured"),
    ]
    cfg = backbone_router()
    assert cfg.bgp is not None
    nbs = tuple(n for n in cfg.bgp.neighbors if n.address != IPv4Address("198.18.0.12"))
    assert result.config == dataclasses.replace(cfg, bgp=dataclasses.replace(cfg.bgp,
                                                                             neighbors=nbs))


def test_neighbor_not_activated_is_a_warning(golden: str) -> None:
    text = _edit(golden, "neighbor 2001:db8::21 activate", None)
    result = parse(text, FILE)
    assert [(w.line, w.text) for w in result.warnings] == [
        (_line_of(text, "neighbor 2001:db8::21 remote-as 65000"),
         "neighbor 2001:db8::21 remote-as 65000")]
    assert "not activated in address-family ipv6" in result.warnings[0].comment
    assert result.config == backbone_router()


def test_lines_after_end_are_warnings(golden: str) -> None:
    result = parse(golden + "hostname other\n", FILE)
    assert [(w.line, w.comment.split(":")[0]) for w in result.warnings] == [
        (len(golden.splitlines()) + 1, "after 'end'")]
    assert result.config.hostname == "bb1-ash"


def test_deleting_the_ldp_no_shutdown_disables_ldp(golden: str) -> None:
    result = parse(_edit(golden, "no shutdown", None), FILE)
    assert result.warnings == ()
    assert result.config == dataclasses.replace(backbone_router(), mpls_ldp=False)


# -- detection, dispatch, API -------------------------------------------------------


def test_vendor_detection(golden: str) -> None:
    assert detect_vendor(golden) is Vendor.EOS
    headless = golden.split("\n", 1)[1]
    assert detect_vendor(headless) is Vendor.EOS
    assert parse_config(golden, FILE).config == backbone_router()
    assert render_config(backbone_router()) == golden


def test_narrow_metrics_cannot_be_rendered() -> None:
    cfg = backbone_router()
    assert cfg.isis is not None
    narrow = dataclasses.replace(cfg, isis=dataclasses.replace(cfg.isis, wide_metrics=False))
    with pytest.raises(RenderError, match="wide metrics"):
        render(narrow)


def test_multi_line_description_cannot_be_rendered() -> None:
    cfg = _with_interface(backbone_router(), "Ethernet3/1/1", description="a\nhostname evil")
    with pytest.raises(RenderError, match="one line"):
        render(cfg)


def test_public_api() -> None:
    assert netlab.parse.eos.__all__ == ["parse"]
    assert {"build", "render"} <= set(netlab.render.eos.__all__)


def test_unindented_sub_command_is_a_top_level_warning(golden: str) -> None:
    """Nesting follows indentation; an unindented 'shutdown' is not an interface line."""
    text = _insert_after(golden, "ip address 198.18.128.0/31", "shutdown")
    result = parse(text, FILE)
    number = _line_of(text, "ip address 198.18.128.0/31") + 1
    assert result.warnings == (ParseWarning(FILE, number, "shutdown"),)
    assert result.config == backbone_router()


def test_encrypted_bgp_password_is_a_warning(golden: str) -> None:
    old = "neighbor 198.18.128.1 password 0 Tr4nsitA"
    new = "neighbor 198.18.128.1 password 7 kN0b/4mXtY3sVZ0u8l7GzA=="
    text = _edit(golden, old, new)
    result = parse(text, FILE)
    assert [(w.line, w.text) for w in result.warnings] == [(_line_of(text, new), new)]
    assert "encrypted" in result.warnings[0].comment
    assert result.config == _with_neighbor(backbone_router(), "198.18.128.1", password=None)

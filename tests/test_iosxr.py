"""IOS-XR renderer and parser: round trip, golden config, operator edits, detection."""

from __future__ import annotations

import dataclasses
import os
from ipaddress import IPv4Address, IPv4Interface, IPv4Network, IPv6Interface, IPv6Network
from pathlib import Path

import pytest
from golden import check_golden
from hypothesis import given, settings
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
from netlab.parse import ParseWarning, detect_vendor, parse_config
from netlab.parse.iosxr import parse
from netlab.render import render_config
from netlab.render.iosxr import build, render

FILE = "pr1-lhr.cfg"


def _core(name: str, peer: str, index: int, metric: int,
          auth: HelloAuth | None = None) -> InterfaceConfig:
    return InterfaceConfig(
        name=name,
        description=f"to {peer} [L{100 + index}]",
        ipv4=IPv4Interface(f"198.18.64.{2 * index}/31"),
        ipv6=IPv6Interface(f"2001:db8:1::{2 * index:x}/127"),
        mtu=9000,
        isis=IsisInterface(metric=metric, point_to_point=True, level=IsisLevel.L2,
                           hello_auth=auth),
        mpls=True,
    )


def backbone_router() -> DeviceConfig:
    """A peering router of the classic backbone: core links, a transit, site RR clients."""
    bogons = PrefixList("BOGONS", tuple(PrefixListEntry(IPv4Network(p), 32) for p in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/3")))
    preferred = PrefixList("PEER-PREFERRED", (
        PrefixListEntry(IPv4Network("198.51.100.0/24")),
        PrefixListEntry(IPv4Network("203.0.113.0/24"), 25)))
    ours = PrefixList("OUR-PREFIXES", (PrefixListEntry(IPv4Network("198.19.16.0/20"), 24),))
    transit_in = RoutePolicy("TRANSIT-IN", (
        PolicyTerm("bogons", Action.DENY, "BOGONS"),
        PolicyTerm("preferred", Action.PERMIT, "PEER-PREFERRED", set_local_preference=200),
        PolicyTerm("rest", Action.PERMIT, None, set_local_preference=100),
    ), Action.DENY)
    transit_out = RoutePolicy("TRANSIT-OUT", (
        PolicyTerm("ours", Action.PERMIT, "OUR-PREFIXES", set_med=50, prepend_as=2),
    ), Action.DENY)

    def client(last: int, peer: str) -> BgpNeighbor:
        return BgpNeighbor(IPv4Address(f"198.18.0.{last}"), 65000, f"{peer} RR client",
                           update_source="Loopback0", next_hop_self=True,
                           route_reflector_client=True, password="Ibgp2026")

    return DeviceConfig(
        hostname="pr1-lhr",
        vendor=Vendor.IOSXR,
        interfaces=(
            InterfaceConfig("Loopback0", "router-id", ipv4=IPv4Interface("198.18.0.11/32"),
                            ipv6=IPv6Interface("2001:db8::11/128"),
                            isis=IsisInterface(passive=True, point_to_point=False),
                            loopback=True),
            _core("HundredGigE0/0/0/0", "bb1-lhr HundredGigE0/0/0/4", 0, 100,
                  HelloAuth(AuthType.MD5, "Core2026")),
            _core("HundredGigE0/0/0/1", "bb2-lhr HundredGigE0/0/0/4", 1, 100),
            _core("FourHundredGigE0/1/0/0", "bb1-ams et-1/0/3", 2, 350),
            InterfaceConfig("TenGigE0/2/0/0", "transit AS64500 circuit TR-0042",
                            ipv4=IPv4Interface("198.18.200.0/31"),
                            ipv6=IPv6Interface("2001:db8:200::/127"), mtu=1500),
        ),
        isis=IsisProcess(net="49.0001.1980.1800.0011.00", level=IsisLevel.L2),
        bgp=BgpConfig(
            asn=65000,
            router_id=IPv4Address("198.18.0.11"),
            cluster_id=IPv4Address("198.18.0.11"),
            neighbors=(
                client(21, "dr1-lhr"),
                client(22, "dr2-lhr"),
                BgpNeighbor(IPv4Address("198.18.0.12"), 65000, "pr2-lhr",
                            update_source="Loopback0", next_hop_self=True,
                            password="Ibgp2026"),
                BgpNeighbor(IPv4Address("198.18.200.1"), 64500, "transit AS64500",
                            import_policy="TRANSIT-IN", export_policy="TRANSIT-OUT",
                            password="Tr4nsit", max_prefix=1_000_000),
            ),
            networks=(IPv4Network("198.19.16.0/20"), IPv6Network("2001:db8:100::/48")),
            multipath=True,
        ),
        prefix_lists=(bogons, preferred, ours),
        route_policies=(transit_in, transit_out),
        static_routes=(StaticRoute(IPv4Network("198.19.64.0/24"),
                                   IPv4Address("198.18.64.1")),),
        mpls_ldp=True,
    ).normalized()


@pytest.fixture(scope="module")
def golden_text() -> str:
    return render(backbone_router())


def _line_no(text: str, needle: str) -> int:
    """1-based number of the only line equal to ``needle``."""
    hits = [i for i, ln in enumerate(text.splitlines(), start=1) if ln == needle]
    assert len(hits) == 1, f"{needle!r} occurs {len(hits)} times"
    return hits[0]


def _edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


# --- round trip --------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(device_configs(Vendor.IOSXR))
def test_parse_inverts_render(cfg: DeviceConfig) -> None:
    text = render(cfg)
    result = parse(text, FILE)
    assert result.warnings == ()
    assert result.config == cfg
    assert render(result.config) == text


def test_golden_backbone_router(golden_text: str) -> None:
    check_golden("iosxr/backbone.cfg", golden_text)


def test_golden_parses_back_without_warnings(golden_text: str) -> None:
    result = parse(golden_text, FILE)
    assert result.warnings == ()
    assert result.config == backbone_router()


def test_registry_dispatches_to_iosxr(golden_text: str) -> None:
    assert render_config(backbone_router()) == golden_text
    assert parse_config(golden_text, FILE).config == backbone_router()


# --- what the renderer says --------------------------------------------------------------


def test_build_uses_media_mtu_and_dotted_masks() -> None:
    view = build(backbone_router())
    core = next(i for i in view.interfaces if i.name == "HundredGigE0/0/0/0")
    assert core.mtu == 9014
    assert core.ipv4 == "198.18.64.0 255.255.255.254"
    assert core.ipv6 == "2001:db8:1::/127"
    loopback = next(i for i in view.interfaces if i.name == "Loopback0")
    assert loopback.mtu is None


def test_policy_terms_stop_on_permit_and_prepend_the_local_as(golden_text: str) -> None:
    start = golden_text.index("route-policy TRANSIT-OUT\n")
    body = golden_text[start:golden_text.index("end-policy", start)].splitlines()
    assert body == [
        "route-policy TRANSIT-OUT",
        "  # term ours",
        "  if destination in OUR-PREFIXES then",
        "    set med 50",
        "    prepend as-path 65000 2",
        "    done",
        "  endif",
        "  drop",
    ]


def test_prepend_without_bgp_uses_own_as() -> None:
    cfg = dataclasses.replace(backbone_router(), bgp=None)
    text = render(cfg)
    assert "    prepend as-path own-as 2\n" in text
    assert parse(text, FILE).config == cfg


def test_bgp_network_gets_a_null0_anchor_that_parses_back_as_the_network(
        golden_text: str) -> None:
    assert "  198.19.16.0/20 Null0\n" in golden_text
    assert "  2001:db8:100::/48 Null0\n" in golden_text
    cfg = parse(golden_text, FILE).config
    assert cfg.static_routes == (StaticRoute(IPv4Network("198.19.64.0/24"),
                                             IPv4Address("198.18.64.1")),)


def test_mpls_without_ldp_is_mpls_static() -> None:
    cfg = dataclasses.replace(backbone_router(), mpls_ldp=False)
    text = render(cfg)
    assert "mpls ldp" not in text
    assert ("mpls static\n interface FourHundredGigE0/1/0/0\n interface HundredGigE0/0/0/0\n"
            " interface HundredGigE0/0/0/1\n!\n") in text
    assert parse(text, FILE).config == cfg


def test_values_iosxr_cannot_hold_are_render_errors() -> None:
    cfg = backbone_router()
    huge = tuple(dataclasses.replace(i, mtu=65535) if i.name == "TenGigE0/2/0/0" else i
                 for i in cfg.interfaces)
    with pytest.raises(RenderError, match="media MTU 65549"):
        render(dataclasses.replace(cfg, interfaces=huge))


# --- an operator edits the file ----------------------------------------------------------


def test_shutting_an_interface(golden_text: str) -> None:
    edited = _edit(golden_text, " ipv6 address 2001:db8:1::2/127\n",
                   " ipv6 address 2001:db8:1::2/127\n shutdown\n")
    cfg = parse(edited, FILE).config
    expected = backbone_router()
    itfs = tuple(dataclasses.replace(i, enabled=False) if i.name == "HundredGigE0/0/0/1"
                 else i for i in expected.interfaces)
    assert cfg == dataclasses.replace(expected, interfaces=itfs)


def test_changing_a_metric(golden_text: str) -> None:
    edited = _edit(golden_text, "   metric 350\n", "   metric 1000\n")
    itf = parse(edited, FILE).config.interface("FourHundredGigE0/1/0/0")
    assert itf.isis is not None and itf.isis.metric == 1000


def test_removing_a_neighbor(golden_text: str) -> None:
    start = golden_text.index(" neighbor 198.18.0.22\n")
    end = golden_text.index(" neighbor", start + 1)
    cfg = parse(golden_text[:start] + golden_text[end:], FILE).config
    expected = backbone_router()
    assert expected.bgp is not None and cfg.bgp is not None
    assert cfg.bgp.neighbors == tuple(n for n in expected.bgp.neighbors
                                      if n.address != IPv4Address("198.18.0.22"))


def test_hello_password_typed_without_clear_means_clear(golden_text: str) -> None:
    edited = _edit(golden_text, "hello-password hmac-md5 clear Core2026",
                   "hello-password hmac-md5 Core2026")
    assert parse(edited, FILE).config == backbone_router()


def test_garbage_line_becomes_a_warning(golden_text: str) -> None:
    after = _line_no(golden_text, "hostname pr1-lhr")
    lines = golden_text.splitlines(keepends=True)
    lines.insert(after, "ntp server 192.0.2.123\n")
    result = parse("".join(lines), FILE)
    assert result.config == backbone_router()
    assert result.warnings == (
        ParseWarning(FILE, after + 1, "ntp server 192.0.2.123"),)


def test_unknown_interface_statement_becomes_a_warning(golden_text: str) -> None:
    edited = _edit(golden_text, " description transit AS64500 circuit TR-0042\n",
                   " description transit AS64500 circuit TR-0042\n load-interval 30\n")
    result = parse(edited, FILE)
    number = _line_no(edited, " load-interval 30")
    assert result.warnings == (ParseWarning(FILE, number, "load-interval 30"),)
    assert result.config == backbone_router()


def test_pass_inside_a_term_is_read_as_done_with_a_warning(golden_text: str) -> None:
    edited = _edit(golden_text, "    set local-preference 200\n    done\n",
                   "    set local-preference 200\n    pass\n")
    result = parse(edited, FILE)
    assert result.config == backbone_router()
    number = _line_no(edited, "    pass")
    assert [(w.line, w.text) for w in result.warnings] == [(number, "pass")]


def test_unmodelled_condition_is_warned_line_by_line(golden_text: str) -> None:
    edited = _edit(golden_text, "  drop\nend-policy\n!\nroute-policy TRANSIT-OUT",
                   "  if as-path in PRIVATE-AS then\n    drop\n  endif\n"
                   "  drop\nend-policy\n!\nroute-policy TRANSIT-OUT")
    result = parse(edited, FILE)
    first = _line_no(edited, "  if as-path in PRIVATE-AS then")
    assert [(w.line, w.text) for w in result.warnings] == [
        (first, "if as-path in PRIVATE-AS then"), (first + 1, "drop"), (first + 2, "endif")]
    assert result.config == backbone_router()


def test_parameterised_policy_is_warned_and_its_reference_dropped(golden_text: str) -> None:
    edited = _edit(golden_text, "route-policy TRANSIT-OUT out", "route-policy SET-MED(20) out")
    edited = _edit(edited, "router static\n", "route-policy SET-MED($med)\n"
                   "  set med $med\n  done\nend-policy\n!\nrouter static\n")
    result = parse(edited, FILE)
    first = _line_no(edited, "route-policy SET-MED($med)")
    ref = _line_no(edited, "   route-policy SET-MED(20) out")
    assert [(w.line, w.text) for w in result.warnings] == [
        (first, "route-policy SET-MED($med)"), (first + 1, "set med $med"), (first + 2, "done"),
        (ref, "route-policy SET-MED(20) out")]
    transit = result.config.neighbor(IPv4Address("198.18.200.1"))
    assert transit.import_policy == "TRANSIT-IN"
    assert transit.export_policy is None


@pytest.mark.parametrize(("old", "new", "comment"), [
    (" interface HundredGigE0/0/0/1\n !\n!\nend",
     " interface HundredGigE0/0/0/1\n !\n interface HundredGigE0/9/0/9\n !\n!\nend",
     "MPLS on HundredGigE0/9/0/9, which is not configured; ignored"),
    ("  password clear Tr4nsit\n", "  password clear Tr4nsit\n  ebgp-multihop 2\n",
     "This syntax is unrecognized"),
    ("   maximum-prefix 1000000 75\n", "   maximum-prefix 1000000 75\n   soft-reconfiguration "
     "inbound always\n", "This syntax is unrecognized"),
])
def test_understood_but_unmodelled_lines_are_warned(golden_text: str, old: str, new: str,
                                                    comment: str) -> None:
    edited = _edit(golden_text, old, new)
    added = next(ln for ln in new.splitlines() if ln not in old.splitlines())
    result = parse(edited, FILE)
    assert result.warnings == (
        ParseWarning(FILE, _line_no(edited, added), added.strip(), comment),)
    assert result.config == backbone_router()


def test_encrypted_hello_password_is_warned_and_auth_dropped(golden_text: str) -> None:
    edited = _edit(golden_text, "hello-password hmac-md5 clear Core2026",
                   "hello-password hmac-md5 encrypted 0822455D0A16")
    result = parse(edited, FILE)
    assert [w.line for w in result.warnings] == [
        _line_no(edited, "  hello-password hmac-md5 encrypted 0822455D0A16")]
    isis = result.config.interface("HundredGigE0/0/0/0").isis
    assert isis is not None and isis.hello_auth is None


def test_lines_after_end_are_warned(golden_text: str) -> None:
    result = parse(golden_text + "hostname other\n", FILE)
    assert result.config.hostname == "pr1-lhr"
    assert [w.line for w in result.warnings] == [len(golden_text.splitlines()) + 1]


def test_missing_end_policy_is_an_error_at_the_policy(golden_text: str) -> None:
    edited = _edit(golden_text, "  drop\nend-policy\n!\nroute-policy TRANSIT-OUT",
                   "  drop\n!\nroute-policy TRANSIT-OUT")
    with pytest.raises(ParseError) as info:
        parse(edited, FILE)
    assert info.value.path == FILE
    assert info.value.line == _line_no(edited, "route-policy TRANSIT-IN")


def test_missing_endif_is_an_error_at_the_if(golden_text: str) -> None:
    edited = _edit(golden_text, "    set local-preference 200\n    done\n  endif\n",
                   "    set local-preference 200\n    done\n")
    with pytest.raises(ParseError) as info:
        parse(edited, FILE)
    assert info.value.line == _line_no(edited, "  if destination in PEER-PREFERRED then")


def test_stray_end_set_is_an_error(golden_text: str) -> None:
    edited = _edit(golden_text, "hostname pr1-lhr\n", "hostname pr1-lhr\nend-set\n")
    with pytest.raises(ParseError) as info:
        parse(edited, FILE)
    assert info.value.line == _line_no(golden_text, "hostname pr1-lhr") + 1


def test_malformed_address_is_an_error_at_its_line(golden_text: str) -> None:
    edited = _edit(golden_text, " ipv4 address 198.18.64.2 255.255.255.254\n",
                   " ipv4 address 198.18.64.256 255.255.255.254\n")
    with pytest.raises(ParseError) as info:
        parse(edited, FILE)
    assert info.value.line == _line_no(edited, " ipv4 address 198.18.64.256 255.255.255.254")
    assert "198.18.64.256" in str(info.value)


def test_non_numeric_metric_is_an_error(golden_text: str) -> None:
    edited = _edit(golden_text, "   metric 350\n", "   metric high\n")
    with pytest.raises(ParseError) as info:
        parse(edited, FILE)
    assert info.value.line == _line_no(edited, "   metric high")


def test_undefined_route_policy_is_an_error(golden_text: str) -> None:
    edited = _edit(golden_text, "route-policy TRANSIT-IN in", "route-policy TRANSIT-IN-V2 in")
    with pytest.raises(ParseError) as info:
        parse(edited, FILE)
    assert info.value.line == _line_no(edited, "   route-policy TRANSIT-IN-V2 in")


def test_undefined_prefix_set_is_an_error(golden_text: str) -> None:
    edited = _edit(golden_text, "if destination in BOGONS then", "if destination in BOGON then")
    with pytest.raises(ParseError) as info:
        parse(edited, FILE)
    assert info.value.line == _line_no(edited, "  if destination in BOGON then")


def test_missing_comma_in_prefix_set_is_an_error(golden_text: str) -> None:
    edited = _edit(golden_text, "  198.51.100.0/24,\n", "  198.51.100.0/24\n")
    with pytest.raises(ParseError) as info:
        parse(edited, FILE)
    assert info.value.line == _line_no(edited, "  198.51.100.0/24")


def test_neighbor_without_remote_as_is_an_error(golden_text: str) -> None:
    edited = _edit(golden_text, " neighbor 198.18.200.1\n  remote-as 64500\n",
                   " neighbor 198.18.200.1\n")
    with pytest.raises(ParseError) as info:
        parse(edited, FILE)
    assert info.value.line == _line_no(edited, " neighbor 198.18.200.1")


# --- vendor detection --------------------------------------------------------------------


def test_detect_vendor_reads_the_rancid_header(golden_text: str) -> None:
    assert golden_text.startswith("!RANCID-CONTENT-TYPE: cisco-xr\n")
    assert detect_vendor(golden_text, FILE) is Vendor.IOSXR


def test_detect_vendor_without_the_header(golden_text: str) -> None:
    body = golden_text.split("\n", 1)[1]
    assert detect_vendor(body, FILE) is Vendor.IOSXR


# --- Batfish reads what we write ---------------------------------------------------------


@pytest.mark.batfish
def test_batfish_parses_the_golden_config_cleanly(golden_text: str, tmp_path: Path) -> None:
    session_mod = pytest.importorskip("pybatfish.client.session")
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / FILE).write_text(golden_text, encoding="utf-8")
    bf = session_mod.Session(host=os.environ["BATFISH_HOST"])
    bf.set_network("netlab-test-iosxr")
    bf.init_snapshot(str(tmp_path), name="iosxr-golden", overwrite=True)
    status = bf.q.fileParseStatus().answer().frame()
    assert list(status["Status"]) == ["PASSED"]
    warnings = bf.q.parseWarning().answer().frame()
    assert warnings.empty, warnings.to_string()

"""FRR 8.4: render and parse are inverses, the text is what FRR accepts, edits parse right."""

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
from golden import GOLDEN_DIR, check_golden
from hypothesis import HealthCheck, given, settings
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
    IsisProcess,
    PolicyTerm,
    PrefixList,
    PrefixListEntry,
    RoutePolicy,
    StaticRoute,
)
from netlab.model.types import Vendor
from netlab.parse import detect_vendor, parse_config
from netlab.parse.frr import parse
from netlab.parse.result import ParseWarning
from netlab.render import render_config
from netlab.render.frr import build, render
from netlab.render.frr_check import dry_run, vtysh_path

FILE = "iad-bb1.cfg"
needs_vtysh = pytest.mark.skipif(vtysh_path() is None,
                                 reason="FRR's vtysh is not installed (apt-get install frr)")


def backbone() -> DeviceConfig:
    """A classic-backbone router: three core links, an access link, a transit peer."""
    return DeviceConfig(
        hostname="iad-bb1",
        vendor=Vendor.FRR,
        interfaces=(
            InterfaceConfig("lo", description="iad-bb1 loopback",
                            ipv4=IPv4Interface("198.18.0.1/32"),
                            ipv6=IPv6Interface("2001:db8::1/128"),
                            isis=IsisInterface(passive=True, point_to_point=False),
                            loopback=True),
            InterfaceConfig("eth0-0", description="ord-bb1 eth0-0 longhaul",
                            ipv4=IPv4Interface("198.18.64.0/31"),
                            ipv6=IPv6Interface("2001:db8:1::/127"),
                            isis=IsisInterface(metric=120, hello_auth=HelloAuth(
                                AuthType.MD5, "Backb0neKey")), mtu=9000, mpls=True),
            InterfaceConfig("eth0-1", description="atl-bb1 eth0-1 longhaul",
                            ipv4=IPv4Interface("198.18.64.2/31"),
                            isis=IsisInterface(metric=95), mtu=9000, mpls=True),
            InterfaceConfig("eth1-0", description="iad-bb2 eth1-0 metro",
                            ipv4=IPv4Interface("198.18.64.4/31"),
                            isis=IsisInterface(metric=10), mtu=9000, mpls=True),
            InterfaceConfig("eth2-0", description="iad-dr1 eth0-0 access",
                            ipv4=IPv4Interface("198.18.64.6/31"), mtu=9000,
                            isis=IsisInterface(metric=10)),
            InterfaceConfig("eth3-0", description="transit-a AS64500",
                            ipv4=IPv4Interface("198.18.96.1/31"), mtu=1500),
        ),
        isis=IsisProcess(net="49.0001.1980.1800.0001.00"),
        bgp=BgpConfig(
            asn=65000, router_id=IPv4Address("198.18.0.1"),
            cluster_id=IPv4Address("198.18.0.1"),
            neighbors=(
                BgpNeighbor(IPv4Address("198.18.0.2"), 65000, "ord-bb1", update_source="lo",
                            next_hop_self=True, route_reflector_client=True),
                BgpNeighbor(IPv4Address("198.18.0.3"), 65000, "atl-bb1", update_source="lo",
                            next_hop_self=True, route_reflector_client=True),
                BgpNeighbor(IPv6Address("2001:db8::2"), 65000, "ord-bb1 v6",
                            update_source="lo", next_hop_self=True,
                            route_reflector_client=True),
                BgpNeighbor(IPv4Address("198.18.96.0"), 64500, "transit-a",
                            import_policy="TRANSIT-IN", export_policy="TRANSIT-OUT",
                            password="Tr4nsitKey", max_prefix=250000),
            ),
            networks=(IPv4Network("198.19.0.0/24"), IPv6Network("2001:db8:2::/64")),
            multipath=True,
        ),
        prefix_lists=(
            PrefixList("MARTIANS", (PrefixListEntry(IPv4Network("198.18.0.0/15"), 32),
                                    PrefixListEntry(IPv4Network("192.0.2.0/24"), 32))),
            PrefixList("OWN-PREFIXES", (PrefixListEntry(IPv4Network("198.19.0.0/24")),)),
        ),
        route_policies=(
            RoutePolicy("TRANSIT-IN", (
                PolicyTerm("martians", Action.DENY, "MARTIANS"),
                PolicyTerm("accept", Action.PERMIT, set_local_preference=80),
            )),
            RoutePolicy("TRANSIT-OUT", (
                PolicyTerm("own", Action.PERMIT, "OWN-PREFIXES", set_med=0, prepend_as=1),
            )),
        ),
        static_routes=(StaticRoute(IPv4Network("198.19.128.0/25"), IPv4Address("198.18.64.7")),),
        mpls_ldp=True,
    ).normalized()


GOLDEN = backbone()


def golden_text() -> str:
    return (GOLDEN_DIR / "frr" / "backbone.cfg").read_text(encoding="utf-8")


def edited(old: str, new: str, count: int = 1) -> str:
    text = golden_text()
    assert text.count(old) == count, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_of(text: str, fragment: str) -> int:
    """1-based number of the only line containing ``fragment``."""
    hits = [n for n, ln in enumerate(text.splitlines(), start=1) if fragment in ln]
    assert len(hits) == 1, f"{fragment!r} is on lines {hits}"
    return hits[0]


def with_interface(cfg: DeviceConfig, name: str, **changes: object) -> DeviceConfig:
    return dataclasses.replace(cfg, interfaces=tuple(
        dataclasses.replace(i, **changes) if i.name == name else i  # type: ignore[arg-type]
        for i in cfg.interfaces))


def with_neighbor(cfg: DeviceConfig, address: str, **changes: object) -> DeviceConfig:
    assert cfg.bgp is not None
    return dataclasses.replace(cfg, bgp=dataclasses.replace(cfg.bgp, neighbors=tuple(
        dataclasses.replace(n, **changes) if str(n.address) == address  # type: ignore[arg-type]
        else n for n in cfg.bgp.neighbors)))


# -- round trip -------------------------------------------------------------------------------
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(device_configs(Vendor.FRR))
def test_parse_inverts_render(cfg: DeviceConfig) -> None:
    text = render(cfg)
    result = parse(text, "r.cfg")
    assert result.warnings == ()
    assert result.config == cfg
    assert render(result.config) == text


def test_registries_dispatch_to_frr() -> None:
    text = render_config(GOLDEN)
    assert detect_vendor(text) is Vendor.FRR
    assert parse_config(text, FILE).config == GOLDEN


# -- golden -----------------------------------------------------------------------------------
def test_golden_backbone() -> None:
    check_golden("frr/backbone.cfg", render(GOLDEN))


def test_golden_parses_back_silently() -> None:
    result = parse(golden_text(), FILE)
    assert result.warnings == ()
    assert result.config == GOLDEN


def test_running_config_as_frr_prints_it() -> None:
    """``show running-config`` of the golden config loaded into FRR 8.4.4, captured once.

    FRR drops comments (the MTU), omits defaults (``metric-style wide``, ``isis
    metric 10``) and prints ``lsp-gen-interval`` as ``lsp-timers`` after ``net``.
    """
    text = (GOLDEN_DIR / "frr" / "backbone.show-running-config.txt").read_text(encoding="utf-8")
    result = parse(text, "show-run.txt")
    assert result.warnings == ()
    no_mtu = dataclasses.replace(GOLDEN, interfaces=tuple(
        dataclasses.replace(i, mtu=None) for i in GOLDEN.interfaces))
    assert result.config == no_mtu


def test_view_follows_frr_order() -> None:
    view = build(GOLDEN)
    assert [i.name for i in view.interfaces][-1] == "lo"  # zebra sorts by name
    assert view.bgp is not None
    assert [n.address for n in view.bgp.neighbors] == [
        "198.18.0.2", "198.18.0.3", "198.18.96.0", "2001:db8::2"]
    assert [s.next_hop for s in view.statics] == ["Null0", "198.18.64.7", "Null0"]
    text = render(GOLDEN)
    # The IS-IS instance must exist before an interface sets a wide metric on it.
    assert text.index("router isis core") < text.index("interface eth0-0")
    assert text.index("lsp-gen-interval 1") < text.index(" net 49.")


def test_prepend_needs_bgp() -> None:
    cfg = dataclasses.replace(GOLDEN, bgp=None)
    with pytest.raises(RenderError, match="TRANSIT-OUT term own prepends the local AS"):
        render(cfg)


def test_undefined_prefix_list_is_a_render_error() -> None:
    cfg = dataclasses.replace(GOLDEN, prefix_lists=GOLDEN.prefix_lists[1:])
    with pytest.raises(RenderError, match="matches prefix-list MARTIANS, which is not defined"):
        render(cfg)


# -- FRR's own checker ------------------------------------------------------------------------
@needs_vtysh
def test_golden_passes_vtysh_dry_run() -> None:
    assert dry_run(render(GOLDEN)) == []


@needs_vtysh
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(device_configs(Vendor.FRR))
def test_rendered_configs_pass_vtysh_dry_run(cfg: DeviceConfig) -> None:
    assert dry_run(render(cfg)) == []


@needs_vtysh
def test_dry_run_reports_the_broken_line() -> None:
    text = edited(" isis metric 95\n", " isis metric ninety\n")
    errors = dry_run(text)
    assert len(errors) == 1
    assert errors[0].startswith(f"line {line_of(text, 'isis metric ninety')}:")
    assert "isis metric ninety" in errors[0]


def test_dry_run_without_vtysh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("netlab.render.frr_check.shutil.which", lambda _name: None)
    with pytest.raises(RenderError, match="vtysh is not installed"):
        dry_run("hostname x\n")


# -- an operator's edits ----------------------------------------------------------------------
def test_edit_shut_an_interface() -> None:
    text = edited(" mpls enable\nexit\n!\ninterface eth1-0",
                  " mpls enable\n shutdown\nexit\n!\ninterface eth1-0")
    result = parse(text, FILE)
    assert result.warnings == ()
    assert result.config == with_interface(GOLDEN, "eth0-1", enabled=False)


def test_edit_change_a_metric() -> None:
    result = parse(edited(" isis metric 95\n", " isis metric 400\n"), FILE)
    assert result.config == with_interface(GOLDEN, "eth0-1", isis=IsisInterface(metric=400))


def test_edit_change_the_mtu_comment() -> None:
    result = parse(edited(" ! netlab-mtu 1500\n", " ! netlab-mtu 1400\n"), FILE)
    assert result.config == with_interface(GOLDEN, "eth3-0", mtu=1400)


def test_edit_remove_a_neighbor() -> None:
    text = "".join(ln for ln in golden_text().splitlines(keepends=True)
                   if "neighbor 198.18.0.3 " not in ln)
    result = parse(text, FILE)
    assert result.warnings == ()
    assert GOLDEN.bgp is not None and result.config.bgp is not None
    assert result.config.bgp.neighbors == tuple(
        n for n in GOLDEN.bgp.neighbors if str(n.address) != "198.18.0.3")


def test_edit_deactivate_a_neighbor_reads_as_shut_down() -> None:
    text = edited("  neighbor 198.18.0.3 activate\n", "")
    result = parse(text, FILE)
    assert result.config == with_neighbor(GOLDEN, "198.18.0.3", shutdown=True)
    line = line_of(text, "neighbor 198.18.0.3 remote-as")
    assert [(w.file, w.line, w.text) for w in result.warnings] == [
        (FILE, line, " neighbor 198.18.0.3 remote-as 65000")]
    assert "opens no session" in result.warnings[0].comment


def test_edit_frr_default_ipv4_unicast_activates_ipv4_neighbors() -> None:
    """Without 'no bgp default ipv4-unicast' FRR activates IPv4 neighbors (and does not
    print their 'activate'); IPv6 neighbors still need one."""
    text = "".join(ln for ln in golden_text().splitlines(keepends=True)
                   if ln.strip() != "no bgp default ipv4-unicast"
                   and not (ln.strip().endswith(" activate") and "2001:" not in ln))
    result = parse(text, FILE)
    assert result.warnings == ()
    assert result.config == GOLDEN


def test_edit_ebgp_requires_policy_warns_only_when_it_bites() -> None:
    text = edited(" no bgp ebgp-requires-policy\n", "")
    assert parse(text, FILE).warnings == ()  # the one eBGP neighbor has both route-maps
    text = text.replace("  neighbor 198.18.96.0 route-map TRANSIT-OUT out\n", "")
    result = parse(text, FILE)
    assert result.config == with_neighbor(GOLDEN, "198.18.96.0", export_policy=None)
    assert [(w.line, w.text) for w in result.warnings] == [
        (line_of(text, "router bgp"), "router bgp 65000")]


def test_edit_unknown_lines_become_warnings() -> None:
    text = edited("router bgp 65000\n",
                  "router bgp 65000\n bgp bestpath as-path multipath-relax\n")
    text = text.replace("end\n", "snmp-server community public\n!\nend\n")
    result = parse(text, FILE)
    assert result.config == GOLDEN
    assert result.warnings == (
        ParseWarning(FILE, line_of(text, "multipath-relax"),
                     " bgp bestpath as-path multipath-relax"),
        ParseWarning(FILE, line_of(text, "snmp-server"), "snmp-server community public"),
    )


def test_edit_unknown_block_warns_every_line() -> None:
    text = golden_text().replace("end\n", "router ospf\n ospf router-id 198.18.0.1\nexit\nend\n")
    result = parse(text, FILE)
    assert [w.text for w in result.warnings] == ["router ospf", " ospf router-id 198.18.0.1"]


def test_edit_lines_after_end_are_ignored_with_a_warning() -> None:
    text = golden_text() + "hostname other\n"
    result = parse(text, FILE)
    assert result.config == GOLDEN
    assert result.warnings == (ParseWarning(FILE, len(text.splitlines()), "hostname other",
                                            "after 'end': FRR ignores it"),)


def test_edit_other_timers_warn() -> None:
    text = edited(" timers bgp 3 9\n", " timers bgp 10 30\n")
    result = parse(text, FILE)
    assert result.config == GOLDEN
    assert [(w.line, w.text) for w in result.warnings] == [
        (line_of(text, "timers bgp 10 30"), " timers bgp 10 30")]


def test_edit_removed_anchor_route_warns_on_the_network() -> None:
    text = edited("ip route 198.19.0.0/24 Null0\n", "")
    result = parse(text, FILE)
    assert result.config == GOLDEN
    assert [(w.line, w.text) for w in result.warnings] == [
        (line_of(text, "network 198.19.0.0/24"), "  network 198.19.0.0/24")]


def test_edit_missing_hostname_uses_the_file_name() -> None:
    result = parse(edited("hostname iad-bb1\n", ""), "configs/iad-bb9.cfg")
    assert result.config.hostname == "iad-bb9"
    assert result.warnings[0].line == 1


@pytest.mark.parametrize(("old", "new", "message"), [
    (" ip address 198.18.64.2/31\n", " ip address 198.18.64.256/31\n",
     "malformed IPv4 address/length '198.18.64.256/31'"),
    (" isis metric 95\n", " isis metric ninety\n", "expected an IS-IS metric"),
    (" isis metric 95\n", " isis metric 16777216\n", "expected an IS-IS metric"),
    ("  neighbor 198.18.96.0 route-map TRANSIT-IN in\n",
     "  neighbor 198.18.96.0 route-map TRANSIT-INN in\n", "route-map TRANSIT-INN is not defined"),
    (" match ip address prefix-list MARTIANS\n", " match ip address prefix-list MARTIAN\n",
     "ip prefix-list MARTIAN is not defined"),
    (" net 49.0001.1980.1800.0001.00\n", " net 49.0001.1980.18000.0001.00\n", "malformed NET"),
    (" ! netlab-mtu 1500\n", " ! netlab-mtu big\n", "expected an MTU"),
    ("ip route 198.19.128.0/25 198.18.64.7\n", "ip route 198.19.128.0/25 2001:db8::7\n",
     "next hop 2001:db8::7 is not an IPv4 address"),
    (" neighbor 198.18.0.2 remote-as 65000\n", " neighbor 198.18.0.2 remote-as 65000\n"
     " neighbor 198.18.0.9 description nobody\n", "neighbor 198.18.0.9 has no remote-as"),
])
def test_edit_malformed_values_raise_with_the_line(old: str, new: str, message: str) -> None:
    text = edited(old, new)
    with pytest.raises(ParseError, match=message) as err:
        parse(text, FILE)
    assert err.value.path == FILE
    assert err.value.line == line_of(text, new.strip().splitlines()[-1])


def test_edit_stray_exit_raises() -> None:
    """FRR leaves configuration mode at a stray ``exit`` and drops every later line."""
    text = edited("exit\n!\nrouter bgp 65000\n", "exit\nexit\n!\nrouter bgp 65000\n")
    with pytest.raises(ParseError, match="'exit' closes no block") as err:
        parse(text, FILE)
    assert err.value.line == line_of(text, "router bgp 65000") - 2


def test_edit_exit_address_family_outside_a_family_warns() -> None:
    """FRR rejects the command and stays where it is; it does not leave config mode."""
    text = edited(" timers bgp 3 9\n", " timers bgp 3 9\n exit-address-family\n")
    result = parse(text, FILE)
    assert result.config == GOLDEN
    assert result.warnings == (
        ParseWarning(FILE, line_of(text, "timers bgp 3 9") + 1, " exit-address-family"),)


def test_edit_missing_exits_fall_back_like_vtysh() -> None:
    """vtysh leaves a node when a command only fits a parent: a missing exit is harmless."""
    text = "".join(ln for ln in golden_text().splitlines(keepends=True)
                   if ln.strip() not in ("exit", "exit-address-family"))
    result = parse(text, FILE)
    assert result.warnings == ()
    assert result.config == GOLDEN


def test_edit_indentation_does_not_matter() -> None:
    """FRR ignores indentation: commands, not spaces, enter and leave nodes."""
    text = "".join(ln.lstrip() for ln in golden_text().splitlines(keepends=True))
    result = parse(text, FILE)
    assert result.warnings == ()
    assert result.config == GOLDEN


def test_edit_forgotten_exit_falls_back_to_the_owning_node() -> None:
    text = edited(" isis passive\nexit\n", " isis passive\nip route 198.19.130.0/25 Null0\n")
    result = parse(text, FILE)
    assert result.warnings == ()
    assert result.config == dataclasses.replace(GOLDEN, static_routes=(
        *GOLDEN.static_routes, StaticRoute(IPv4Network("198.19.130.0/25"))))


def test_edit_exit_after_a_fallback_is_stray() -> None:
    """Verified on FRR 8.4: after ``ip route`` falls back to the top, the block's ``exit``
    leaves configuration mode and vtysh drops every later line."""
    text = edited(" isis passive\nexit\n",
                  " isis passive\nip route 198.19.130.0/25 Null0\n description lo\nexit\n")
    with pytest.raises(ParseError, match="'exit' closes no block") as err:
        parse(text, FILE)
    assert err.value.line == line_of(text, " description lo") + 1


def test_edit_prefix_list_variants() -> None:
    old = "ip prefix-list OWN-PREFIXES seq 10 permit 198.19.0.0/24\n"
    text = edited(old, old + "ip prefix-list OWN-PREFIXES seq 20 deny 198.19.1.0/24\n"
                  "ip prefix-list OWN-PREFIXES seq 30 permit 198.19.2.0/24 ge 25 le 26\n"
                  "ip prefix-list OWN-PREFIXES permit any\n")
    result = parse(text, FILE)
    own = next(p for p in result.config.prefix_lists if p.name == "OWN-PREFIXES")
    assert own.entries == (PrefixListEntry(IPv4Network("198.19.0.0/24")),
                           PrefixListEntry(IPv4Network("0.0.0.0/0"), 32))
    assert [w.line for w in result.warnings] == [line_of(text, "seq 20 deny"),
                                                 line_of(text, " ge 25")]


def test_empty_prefix_list_is_a_lone_deny_any() -> None:
    """A list with no entries matches nothing, like FRR's implicit deny."""
    cfg = dataclasses.replace(GOLDEN, prefix_lists=(
        *GOLDEN.prefix_lists, PrefixList("NOTHING", ())), route_policies=(
        *GOLDEN.route_policies, RoutePolicy("NONE-IN", (
            PolicyTerm("nothing", Action.PERMIT, "NOTHING"),)))).normalized()
    text = render(cfg)
    assert "ip prefix-list NOTHING seq 10 deny any\n" in text
    result = parse(text, FILE)
    assert result.warnings == ()
    assert result.config == cfg
    late = text.replace("ip prefix-list NOTHING seq 10 deny any\n",
                        "ip prefix-list NOTHING seq 10 deny any\n"
                        "ip prefix-list NOTHING seq 20 permit 198.19.0.0/16 le 24\n")
    assert [(w.line, w.text) for w in parse(late, FILE).warnings] == [
        (line_of(late, "NOTHING seq 10"), "ip prefix-list NOTHING seq 10 deny any")]


@st.composite
def mangled_golden(draw: st.DrawFn) -> str:
    """The golden text after a few careless edits: lines dropped, repeated, words changed."""
    lines = golden_text().splitlines()
    vocabulary = sorted({w for ln in lines for w in ln.split()} | {"", "x", "-1", "1.2.3", "::"})
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["drop", "repeat", "word", "cut", "indent"]))
        words = lines[i].split(" ")
        if op == "drop":
            del lines[i]
        elif op == "repeat":
            lines.insert(i, lines[draw(st.integers(0, len(lines) - 1))])
        elif op == "word":
            words[draw(st.integers(0, len(words) - 1))] = draw(st.sampled_from(vocabulary))
            lines[i] = " ".join(words)
        elif op == "cut":
            lines[i] = " ".join(words[:draw(st.integers(0, len(words)))])
        else:
            lines[i] = " " * draw(st.integers(0, 3)) + lines[i].lstrip()
    return "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled_golden())
def test_careless_edits_give_warnings_or_a_located_error(text: str) -> None:
    try:
        result = parse(text, FILE)
    except ParseError as err:
        assert err.path == FILE
        assert err.line is not None and 1 <= err.line <= len(text.splitlines())
    else:
        assert all(w.file == FILE and w.text == text.splitlines()[w.line - 1].rstrip()
                   for w in result.warnings if w.line > 1 or w.text)


def test_mpls_enable_without_ldp() -> None:
    cfg = dataclasses.replace(GOLDEN, mpls_ldp=False)
    text = render(cfg)
    assert "mpls ldp" not in text and text.count(" mpls enable\n") == 3
    assert parse(text, FILE).config == cfg

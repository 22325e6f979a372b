"""Show commands per vendor: golden outputs on classic-small with faults, abbreviations,
platform-style errors, and values checked against the engine and the clock."""

from __future__ import annotations

import re
from ipaddress import ip_address
from pathlib import Path

import pytest
from golden import check_golden

from netlab.errors import EngineError
from netlab.evidence.clock import OpticDecay
from netlab.evidence.incident import FaultSpec, Incident, build_incident
from netlab.evidence.show import PLATFORMS, commands, prompt, show
from netlab.evidence.show.grammar import Failure, parse
from netlab.model.types import Vendor

FAULTS: list[FaultSpec] = [
    ("isis-mtu-mismatch", {"router": "nyc1-bb1", "link": "nyc1-bb1--lon1-bb1", "mtu": 1500}),
    ("bgp-remote-as", {"router": "nyc1-pr1", "neighbor": "198.18.64.27"})]
MINUTE = 12.0


@pytest.fixture(scope="module")
def incident(tmp_path_factory: pytest.TempPathFactory) -> Incident:
    """classic-small with its default vendors (bb Junos, pr IOS-XR, dr EOS), two faults."""
    root: Path = tmp_path_factory.mktemp("show-default")
    return build_incident("classic-small", FAULTS, workdir=root).at(MINUTE)


@pytest.fixture(scope="module")
def frr_incident(tmp_path_factory: pytest.TempPathFactory) -> Incident:
    """The same faults on classic-small rendered entirely as FRR."""
    root: Path = tmp_path_factory.mktemp("show-frr")
    return build_incident("classic-small", FAULTS, workdir=root, vendor=Vendor.FRR).at(MINUTE)


@pytest.fixture(scope="module")
def optic_incident(tmp_path_factory: pytest.TempPathFactory) -> Incident:
    root: Path = tmp_path_factory.mktemp("show-optic")
    faults: list[FaultSpec] = [("optic-degrade", {
        "link": "nyc1-bb1--prn1-bb1", "router": "prn1-bb1", "loss": 2.0, "growth": 1.0})]
    return build_incident("classic-small", faults, workdir=root).at(MINUTE)


GOLDEN = {
    Vendor.JUNOS: ("nyc1-bb1", [
        ("isis-adjacency", "show isis adjacency"),
        ("isis-database", "show isis database"),
        ("interfaces-terse", "show interfaces terse"),
        ("interface", "show interfaces et-0/0/0"),
        ("interface-extensive", "show interfaces et-0/0/1 extensive"),
        ("optics", "show interfaces diagnostics optics et-0/0/1"),
        ("route-bgp", "show route 198.19.2.0/24"),
        ("route-isis", "show route 198.18.0.6"),
        ("route-receive", "show route receive-protocol bgp 198.18.0.6"),
        ("bgp-summary", "show bgp summary"),
        ("bgp-neighbor", "show bgp neighbor 198.18.0.6"),
        ("traceroute", "traceroute 198.18.0.12"),
    ]),
    Vendor.IOSXR: ("nyc1-pr1", [
        ("isis-neighbors", "show isis neighbors"),
        ("isis-database", "show isis database"),
        ("interface", "show interfaces FourHundredGigE0/0/0/0"),
        ("interfaces-brief", "show interfaces brief"),
        ("optics", "show controllers optics 0/0/0/0"),
        ("route", "show route ipv4 198.19.2.0/24"),
        ("route-isis", "show route 198.18.0.1"),
        ("bgp-summary", "show bgp summary"),
        ("bgp-neighbor-up", "show bgp neighbor 198.18.0.6"),
        ("bgp-neighbor-down", "show bgp neighbor 198.18.64.27"),
        ("bgp-prefix", "show bgp ipv4 unicast 198.19.2.0/24"),
        ("traceroute", "traceroute 198.18.0.12"),
    ]),
    Vendor.EOS: ("prn1-dr1", [
        ("isis-neighbors", "show isis neighbors"),
        ("isis-database", "show isis database"),
        ("interface", "show interfaces Ethernet1/1/1"),
        ("transceiver", "show interfaces Ethernet1/1/1 transceiver"),
        ("route", "show ip route 198.19.0.0/24"),
        ("bgp-summary", "show ip bgp summary"),
        ("bgp-neighbor", "show ip bgp neighbors 198.18.0.6"),
        ("bgp-prefix", "show ip bgp 198.19.0.0/24"),
        ("traceroute", "traceroute 198.18.0.3"),
    ]),
    Vendor.FRR: ("nyc1-pr1", [
        ("isis-neighbor", "show isis neighbor"),
        ("isis-database", "show isis database"),
        ("interface", "show interface eth0-0"),
        ("route", "show ip route 198.19.2.0/24"),
        ("route-isis", "show ip route 198.18.0.1"),
        ("bgp-summary", "show bgp summary"),
        ("bgp-neighbor-down", "show bgp neighbors 198.18.64.27"),
        ("bgp-prefix", "show bgp ipv4 unicast 198.19.2.0/24"),
        ("traceroute", "traceroute 198.18.0.12"),
    ]),
}
CASES = [(v, router, name, line) for v, (router, cmds) in GOLDEN.items()
         for name, line in cmds]


@pytest.mark.parametrize(("vendor", "router", "name", "line"), CASES,
                         ids=[f"{c[0].value}-{c[2]}" for c in CASES])
def test_golden(incident: Incident, frr_incident: Incident, vendor: Vendor, router: str,
                name: str, line: str) -> None:
    inc = frr_incident if vendor is Vendor.FRR else incident
    assert inc.faulted.configs[router].vendor is vendor
    text = show(inc, router, line)
    assert text.strip(), f"{line} printed nothing"
    check_golden(f"show/{vendor.value}/{name}.txt", text)


def test_every_vendor_command_has_a_golden() -> None:
    """Each platform's command tree is exercised: every action has a golden case."""
    for vendor, (_router, cmds) in GOLDEN.items():
        tree = PLATFORMS[vendor].tree
        seen = set()
        for _name, line in cmds:
            got = parse(tree, line)
            assert not isinstance(got, Failure), line
            seen.add(got.action)
        listed = set()
        for cmd in commands(vendor):
            sample = re.sub(r"<[^>]+>", "198.18.0.1", cmd)
            got = parse(tree, sample)
            if not isinstance(got, Failure):
                listed.add(got.action)
        missing = listed - seen - {"interfaces-terse", "route6", "bgp-summary6", "transceiver"}
        assert not missing, f"{vendor}: no golden for {sorted(missing)}"


# -- abbreviations ----------------------------------------------------------------------------
@pytest.mark.parametrize(("router", "short", "full"), [
    ("nyc1-bb1", "sh isis adj", "show isis adjacency"),
    ("nyc1-bb1", "sho int te", "show interfaces terse"),
    ("nyc1-bb1", "SH BGP SUM", "show bgp summary"),
    ("nyc1-pr1", "sh isis nei", "show isis neighbors"),
    ("nyc1-pr1", "sh int Fo0/0/0/0", "show interfaces FourHundredGigE0/0/0/0"),
    ("nyc1-pr1", "sh bgp nei 198.18.64.27", "show bgp neighbor 198.18.64.27"),
    ("prn1-dr1", "sh int et1/1/1", "show interfaces Ethernet1/1/1"),
    ("prn1-dr1", "sh ip bgp su", "show ip bgp summary"),
])
def test_abbreviations(incident: Incident, router: str, short: str, full: str) -> None:
    assert show(incident, router, short) == show(incident, router, full)


# -- errors -----------------------------------------------------------------------------------
def test_junos_errors(incident: Incident) -> None:
    text = show(incident, "nyc1-bb1", "show isis adjacncy")
    caret, message = text.splitlines()
    assert message == "syntax error, expecting <command>."
    assert caret.index("^") == len(prompt(incident, "nyc1-bb1")) + len("show isis ")
    amb = show(incident, "nyc1-bb1", "show i")
    assert amb.startswith("'i' is ambiguous.\nPossible completions:")
    assert "isis" in amb and "interfaces" in amb
    assert show(incident, "nyc1-bb1", "show").endswith("syntax error, expecting <command>.\n")
    helped = show(incident, "nyc1-bb1", "show isis ?")
    assert helped.splitlines()[0] == "Possible completions:"
    assert [line.split()[0] for line in helped.splitlines()[1:]] == ["adjacency", "database"]
    assert show(incident, "nyc1-bb1", "show interfaces et-9/0/9") == (
        "error: device et-9/0/9 not found\n")


def test_iosxr_errors(incident: Incident) -> None:
    text = show(incident, "nyc1-pr1", "show isis neighbours")
    caret, message = text.splitlines()
    assert message == "% Invalid input detected at '^' marker."
    assert caret.index("^") == len("RP/0/RP0/CPU0:nyc1-pr1#") + len("show isis ")
    assert show(incident, "nyc1-pr1", "show bgp") == "% Incomplete command.\n"
    assert show(incident, "nyc1-pr1", "sh i") == '% Ambiguous command:  "sh i"\n'
    assert show(incident, "nyc1-pr1", "sh c ?").split()[0] == "optics"


def test_eos_and_frr_errors(incident: Incident, frr_incident: Incident) -> None:
    assert show(incident, "prn1-dr1", "show isis neighbours") == (
        "% Invalid input (at token 2: 'neighbours')\n")
    assert show(incident, "prn1-dr1", "show ip") == "% Incomplete command\n"
    assert show(frr_incident, "nyc1-pr1", "show isis neighbours") == (
        "% Unknown command: show isis neighbours\n")
    assert show(frr_incident, "nyc1-pr1", "show bgp") == "% Command incomplete: show bgp\n"


def test_unknown_router_and_blank_line(incident: Incident) -> None:
    with pytest.raises(EngineError, match="no router named"):
        show(incident, "nyc9-bb9", "show bgp summary")
    assert show(incident, "nyc1-bb1", "   ") == ""


def test_commands_listing() -> None:
    for vendor in Vendor:
        listed = commands(vendor)
        assert len(listed) >= 8
        assert all(c.split()[0] in ("show", "traceroute") for c in listed)
    assert "show isis adjacency" in commands(Vendor.JUNOS)
    assert "show controllers optics <location>" in commands(Vendor.IOSXR)


# -- values come from the engine and the clock --------------------------------------------
def test_mtu_mismatch_is_one_sided(incident: Incident) -> None:
    """The larger-MTU end hears the other (Initializing); the smaller lists nothing."""
    far = show(incident, "lon1-bb1", "show isis adjacency")
    assert re.search(r"et-0/0/0\.0\s+nyc1-bb1\s+2 Initializing", far)
    near = show(incident, "nyc1-bb1", "show isis adjacency")
    assert "lon1-bb1" not in near
    rows = incident.engine.isis_adjacencies(incident.faulted, nodes=["nyc1-bb1"]).rows
    up = {r.remote_node for r in rows if r.state.value == "UP"}
    assert up == {line.split()[1] for line in near.splitlines()[1:]}


def test_bad_peer_as_session(incident: Incident) -> None:
    summary = show(incident, "nyc1-pr1", "show bgp summary")
    line = next(x for x in summary.splitlines() if x.startswith("198.18.64.27 "))
    assert line.split()[-1] == "Active"
    detail = show(incident, "nyc1-pr1", "show bgp neighbor 198.18.64.27")
    assert "BGP Notification sent: open message error/bad peer as" in detail
    status = incident.engine.bgp_session_status(incident.faulted, nodes=["nyc1-pr1"]).rows
    up = [r for r in status if r.established_status.value == "ESTABLISHED"]
    assert sum(1 for x in summary.splitlines() if x[:1].isdigit() and
               x.split()[-1].isdigit()) == len(up)


def test_route_next_hops_match_engine(incident: Incident) -> None:
    text = show(incident, "nyc1-bb1", "show route 198.18.0.6")
    rows = incident.engine.routes(incident.faulted, nodes=["nyc1-bb1"], prefix="198.18.0.6").rows
    for r in rows:
        assert f"to {r.next_hop_ip} via {r.next_hop_interface}.0" in text
        assert f"metric {r.metric}" in text


def test_optic_degrade_reads_the_clock(optic_incident: Incident) -> None:
    inc = optic_incident
    decay: OpticDecay = inc.optics[0]
    text = show(inc, "prn1-bb1", "show interfaces diagnostics optics et-0/0/0")
    rx = decay.rx_dbm(MINUTE)
    assert f"/ {rx:.2f} dBm" in text
    assert ("Laser rx power low warning                :  On" in text) == (rx <= -10.0)
    ext = show(inc, "prn1-bb1", "show interfaces et-0/0/0 extensive")
    crc = int(re.search(r"Framing errors: (\d+)", ext).group(1))  # type: ignore[union-attr]
    assert crc > 0
    later = show(inc.at(MINUTE + 10), "prn1-bb1", "show interfaces et-0/0/0 extensive")
    crc_later = int(re.search(r"Framing errors: (\d+)", later).group(1))  # type: ignore[union-attr]
    assert crc_later > crc
    healthy = show(inc, "nyc1-bb1", "show interfaces et-0/0/1 extensive")
    assert "Framing errors: 0," in healthy


def test_snapshot_source(incident: Incident) -> None:
    """A bare snapshot is shown as an incident with no faults at minute 0."""
    text = show(incident.baseline, "nyc1-bb1", "show isis adjacency")
    assert "lon1-bb1" in text
    line = next(x for x in show(incident.baseline, "nyc1-pr1", "show bgp summary").splitlines()
                if x.startswith("198.18.64.27 "))
    assert line.split()[-1].isdigit()
    assert ip_address("198.18.64.27")
